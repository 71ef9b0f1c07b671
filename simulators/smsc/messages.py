"""What the simulated SMSC makes of messages: the parts it records as sent, the receipts it writes
(SMPP 3.4 Appendix B's text and section 5.3.2's TLVs) and the deliver_sm of a phone's message."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from modem.at.pdu import Concat
from modem.transports.smpp import (
    ESM_UDHI,
    TAG_PAYLOAD,
    Pdu,
    decode_text,
    gsm_units,
    split_header,
    split_units,
    ucs2_units,
)
from simulators.settings import SentSms

MESSAGE_STATES = {"DELIVRD": 2, "EXPIRED": 3, "DELETED": 4, "UNDELIV": 5, "ACCEPTD": 6, "UNKNOWN": 7, "REJECTD": 8}
ENCODINGS = {0: "GSM7", 3: "LATIN1", 8: "UCS2"}


def mo_parts(sender: str, service_number: str, text: str, reference: int) -> list[dict[str, Any]]:
    """deliver_sm fields of a phone's message: one, or UDH parts (8-bit reference) for a long text;
    GSM-7 (one septet an octet) when it fits, else UCS-2."""
    units = gsm_units(text)
    gsm = units is not None
    chunks = split_units(units if gsm else ucs2_units(text), *_capacity(gsm))
    parts = []
    for sequence, chunk in enumerate(chunks, start=1):
        octets, esm = _octets(chunk, gsm), 0
        if len(chunks) > 1:
            octets, esm = bytes([5, 0, 3, reference % 256, len(chunks), sequence]) + octets, ESM_UDHI
        fields = {"esm_class": esm, "data_coding": 0 if gsm else 8, "short_message": octets}
        parts.append({**addresses(sender, service_number), **fields})
    return parts


def sent_parts(pdu: Pdu, number: int) -> list[SentSms]:
    """The parts a submit_sm puts on the air: itself, or those the SMSC cuts a message_payload into."""
    data = raw = pdu.fields.get("short_message") or pdu.tlvs.get(TAG_PAYLOAD, b"")
    concat = None
    if pdu.fields.get("esm_class", 0) & ESM_UDHI:
        found, data = split_header(data)
        concat = Concat(found.reference, found.total, found.sequence) if found else None
    coding = pdu.fields.get("data_coding", 0)
    texts = [decode_text(data, coding)]
    if TAG_PAYLOAD in pdu.tlvs:
        units = gsm_units(texts[0]) if coding == 0 else None
        gsm = units is not None
        chunks = split_units(units if gsm else ucs2_units(texts[0]), *_capacity(gsm))
        texts = [decode_text(_octets(chunk, gsm), 0 if gsm else 8) for chunk in chunks]
    parts = []
    for sequence, text in enumerate(texts, start=1):
        if len(texts) > 1:
            concat = Concat(number % 256, len(texts), sequence)
        parts.append(
            SentSms(
                number=_number(pdu.fields.get("destination_addr", ""), pdu.fields.get("dest_addr_ton", 0)),
                text=text,
                mr=number,
                concat=concat,
                pdu=raw.hex().upper(),  # the user data as submitted, UDH included
                at=datetime.now(UTC),
                encoding=ENCODINGS.get(coding, f"DCS{coding:02X}"),
                status_report=bool(pdu.fields.get("registered_delivery", 0) & 0x03),
            )
        )
    return parts


def receipt(pdu: Pdu, spelled_id: str, status: str, *, tlvs: bool = True) -> dict[str, Any]:
    """deliver_sm fields of the receipt for a submit_sm: from its recipient, to its sender."""
    stamp = datetime.now(UTC).strftime("%y%m%d%H%M")
    delivered = "001" if status == "DELIVRD" else "000"
    text = decode_text(pdu.fields.get("short_message") or b"", pdu.fields.get("data_coding", 0))[:20]
    body = (
        f"id:{spelled_id} sub:001 dlvrd:{delivered} submit date:{stamp} done date:{stamp} "
        f"stat:{status} err:000 text:{text}"
    )
    fields = {
        **addresses(pdu.fields.get("destination_addr", ""), pdu.fields.get("source_addr", "")),
        "source_addr_ton": pdu.fields.get("dest_addr_ton", 0),
        "esm_class": 0x04,
        "data_coding": 0,
        "short_message": body.encode("ascii", "replace"),
    }
    if tlvs:
        fields["receipted_message_id"] = spelled_id
        fields["message_state"] = MESSAGE_STATES.get(status, 7)
    return fields


def addresses(source: str, destination: str) -> dict[str, Any]:
    return {
        "source_addr_ton": 1 if source.startswith("+") else (5 if not source.isdigit() else 0),
        "source_addr_npi": 1 if source.lstrip("+").isdigit() else 0,
        "source_addr": source.lstrip("+"),
        "dest_addr_ton": 1 if destination.startswith("+") else 0,
        "dest_addr_npi": 1,
        "destination_addr": destination.lstrip("+"),
    }


def _capacity(gsm: bool) -> tuple[int, int]:
    return (160, 153) if gsm else (70, 67)


def _octets(units: list[int], gsm: bool) -> bytes:
    return bytes(units) if gsm else b"".join(unit.to_bytes(2, "big") for unit in units)


def _number(address: str, ton: int) -> str:
    return f"+{address}" if ton == 1 else address
