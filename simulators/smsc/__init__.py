"""A simulated SMSC speaking SMPP 3.4 on a loopback port, for the SMPP transport's tests, the
benchmarks and the demo. Plain Python (no Django).

What it does as real SMSCs do (SMPP 3.4 sections 4 and 5, Appendix B): bind_transceiver /
transmitter / receiver with ESME_RINVSYSID and ESME_RINVPASWD, submit_sm_resp with a message id,
receipts as deliver_sm with esm_class 0x04, the "id:... sub:... dlvrd:... submit date:... done
date:... stat:... err:... text:..." text and the receipted_message_id / message_state TLVs,
deliver_sm kept until the ESME answers them and delivered again after it binds again,
ESME_RTHROTTLED over a rate, enquire_link both ways, unbind, generic_nack for what it does not
take. Message ids in hexadecimal in submit_sm_resp and in decimal in receipts by default: some
SMSCs do exactly that, and the ESME must still match them.

What it does not do: submit_multi, data_sm, query_sm, cancel_sm, replace_sm, outbind, TLS.
"""

from simulators.smsc.server import SimulatedSmsc

__all__ = ["SimulatedSmsc"]
