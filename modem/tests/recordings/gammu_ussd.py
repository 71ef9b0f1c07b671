"""USSD answers from gammu debug logs of real phones and modems (gammu issues).

- Sony Ericsson Z710i, https://github.com/gammu/gammu/issues/150 (turn 16, 2017-09-05): the
  answer comes before OK, without a <dcs>, and its text holds a bare LF (0A in the hex dump).
- Sony Ericsson W810i, https://github.com/gammu/gammu/issues/292: typed in a terminal:
  'AT+CUSD=1,"*100#",15' / '+CUSD: 0,""' / '' / 'OK' (the phone shows the real, multi-line
  answer on its screen; the AT side gets it empty).
- A modem left in AT+CSCS="UCS2", https://github.com/gammu/gammu/issues/358: the answer is UCS-2
  hex under <dcs> 15 with status 2 (the network closed the session, with its text). Decoded with
  Python's utf-16-be codec.
- A modem left in AT+CSCS="HEX", https://github.com/gammu/gammu/issues/513 "GETUSSD not decoded
  correctly": after OK (verbatim "\\r\\nOK\\r\\n"), a menu (status 1) whose text is the hex of its
  characters, under <dcs> 0. Decoded by reading each hex pair as a character.
- Cinterion MC55i, https://github.com/gammu/gammu/issues/689: 'AT+CUSD=1,...' answered OK, then,
  on its own line, "+CME ERROR: 132" (service option not supported): the network's refusal.
Verbatim: the answer lines. Adapted: none; our driver sends the code as text where gammu sent it
encoded for the charset, and the network's answer does not depend on that.
"""

SOURCE = "gammu/gammu issues 150, 292, 358, 513, 689"
DEVICE = "various (see each session)"

Z710I = (
    "#102#",
    [
        '+CUSD: 0," Vash balans 968.98 r.\nDlya vas - nedelya besplatnogo SMS-obsh\'eniya s drugom! Podkl.: *320#"',
        "OK",
    ],
    " Vash balans 968.98 r.\nDlya vas - nedelya besplatnogo SMS-obsh'eniya s drugom! Podkl.: *320#",
)
W810I = ("*100#", '\r\n+CUSD: 0,""\r\n\r\nOK\r\n')
UCS2 = (
    "*111#",
    [
        "OK",
        '+CUSD: 2,"00480061007600690020006B0065007200650074003A0020003000460074002E002000460065006C007400F6006C007400'
        "F60074007400200065006700790065006E006C00650067003A0020003700370037003700460074002C002800650062006200F6006C00"
        "20007600E0007300E00072006C00E000730072006100200069007300200066006F0072006400EC007400680061007400F2003A002000"
        "37003700370037004600740029002E0020004400EC006A00630073006F006D00610067003A002000420065006E0063007300F2002000"
        "41002E00200055006A002000540065006C0065006B006F006D002000F6006E006B00690073007A006F006C006700E0006C00F2003A00"
        '20002A0031003100310023",15',
    ],
    "Havi keret: 0Ft. Feltöltött egyenleg: 7777Ft,(ebböl vàsàrlàsra is fordìthatò: 7777Ft). Dìjcsomag: Bencsò "
    "A. Uj Telekom önkiszolgàlò: *111#",
)
HEX = (
    "*8888*5#",
    "\r\nOK\r\n"
    '\r\n+CUSD: 1,"536973612070756C73612052702E333030302E416B7469662073642032362F30322F323032302E0A4B6F6E74656E20'
    "526961204D6972616E64612026205261696820556D726F682E5270323230302F534D532F32487220736C6D2031383048720A312E5941"
    '0A322E43656B204B756F74610A332E4E656C706F6E0A342E496E7465726E65740A352E4C61696E6E79610A",0\r\n',
    "Sisa pulsa Rp.3000.Aktif sd 26/02/2020.\nKonten Ria Miranda & Raih Umroh.Rp2200/SMS/2Hr slm 180Hr\n1.YA\n"
    "2.Cek Kuota\n3.Nelpon\n4.Internet\n5.Lainnya\n",
)
MC55I = ("*99#", "\r\nOK\r\n\r\n+CME ERROR: 132\r\n")
