"""Recorded answers of real modems and phones, taken from public material, for test_recordings.py.

One module per device or session. Each names its source (repository and path, or issue URL) and
says which answers are verbatim and which were adapted, and why. Answers are given either as the
list of lines the source shows (the port frames each one as `\\r\\n<line>\\r\\n`, as a modem in
verbose mode does) or as a str of the exact characters the source's hex dump shows.

Keys every module may define (all optional except SOURCE and DEVICE):
    ANSWERS      command -> answer, matched exactly (case-insensitive)
    PREFIXES     command prefix -> answer, for commands with variable arguments (longest wins)
    ALIASES      command our driver sends -> recorded command it stands for (said why in a comment)
    BY_CMEE      command -> {AT+CMEE mode: answer}
    PIN          the PIN that AT+CPIN="..." accepts; AFTER_PIN: answers that change once it was given
    SEND_RESULT  the answer after the PDU and Ctrl-Z of AT+CMGS
    ECHO         whether the device echoes when the port opens (default True, as V.250 says)
The port answers everything else with ERROR, as a real modem does to what it does not know.
"""
