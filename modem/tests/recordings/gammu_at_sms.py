"""+CMGR answers of many phones and modems, from Gammu's AT SMS test data.

Source: gammu/gammu, tests/at-sms/NN.dump (one file each; the commits are in DUMPS). The folder's
README: "All test data here was collected from randomly available sources on the Internet. I
just entered 'gammu "AT+CMGR"' to Google and picked some random results."
Each dump is the text of the file, verbatim: the command, the answer lines, OK.

HEADER_MATCHES says whether the <length> of the +CMGR header equals the PDU's length after its
SMSC part. Where it does not, the header was evidently copied from another dump (several say
",,78" or "0,23" whatever their PDU), so those are Gammu's robustness fixtures rather than
answers a modem gave; they are kept apart in the tests.

The expected values come from an independent decoder (python-gsmmodem-new 0.13, gsmmodem.pdu.
decodeSmsPdu) run over the PDUs, checked by hand where it failed or disagreed (noted inline).
Times are (naive local time, UTC offset in minutes).
"""

SOURCE = "gammu/gammu tests/at-sms/*.dump"
DEVICE = "phones and modems found by Gammu's author"

# name: (commit, dump text)
DUMPS = {
    "01": (
        "97893708b365de3c017ea38856d747dcf83bcd53",
        "AT+CMGR=1\n+CMGR: 1,,78\n0791246030500200110481643000007030427132500047D6B0BEECCE83F4E17558EF4EAFEB2CD09C5DD7"
        "8BC3207519447E8FC3737719D44EB7DF20B8FC6D7FEB5D2062795D5797DB65903E0C82BFC7E837BCEC4EBB00\nOK\n",
    ),
    "02": (
        "97893708b365de3c017ea38856d747dcf83bcd53",
        "AT+CMGR=1\n+CMGR: 3,,29\n0791361907001003B17A0C913619397750320000AD11CD701E340FB3C3F23CC81D0689C3BF\nOK\n",
    ),
    "03": (
        "30c7fcd850b2a650fe22acbe70f20bfbc8eec926",
        "AT+CMGR=1\n+CMGR: 1,,25\n0791198948004544040C9119894882006200007050307040042206CF35689E9603\nOK\n",
    ),
    "04": (
        "d434fc1f07719e8e1b292a12671ae6a0e17b5894",
        "AT+CMGR=5\n+CMGR: 1,,156\n07914487200030230406D04F59040000601191806243009F4F990E947DD741EEF71D840EDBCBA0FCBB2E"
        "0751CB783A28E8CED3D3ED3268068381AA4B10BD8CA7CF412650AC2904BDCD2072981E06D1DFA0FABC0CA2A3D373509B8E7681A4E576"
        "B92D2ECB41F43788FE86B7EA7010280603BDE5A0F65B5E0689CBE6B7BC0C8ADD6232980D447F83CE653A28FFAECB416679B90C0AB3D9"
        'EF7BD83D2E83DC653C1DD4A6A301"\nOK\n',
    ),
    "05": (
        "d434fc1f07719e8e1b292a12671ae6a0e17b5894",
        "AT+CMGR=2\n+CMGR: 3,,16\n0791539111161616114F048123000000FF06D0B79BFE9E03\nOK\n",
    ),
    "06": (
        "91852ec3f4990e4ffd1254eadc794352bbee7dea",
        "AT+CMGR=106\n+CMGR: 1,,122\n07915892200613F4000781056317F000007070900145000077C6B71C947FD7E5A072785E06D1DF20B1"
        "FC7D9F9741E3B79B5E76D3416133BD2C07A1C36EF2BC4C078DD161F7B94C6681F2EF3AE89E66B341F2F2B89CB6974161D0BC2CB7A7C7"
        "65D0BC4CA7A7DD67D0FCFD76BB40D3741BCECE83E6617B19149E83C86573B8CEA6BB00\nOK\n",
    ),
    "07": (
        "2a3be7e872d6ca2c168743aca6b3401797493e90",
        "AT+CMGR=0\n+CMGR: 0,23\n0791534850020200040C9153486507895500006090608164138004D4F29C0E\nOK\n",
    ),
    "12": (
        "00ac75116d1e10310950d20ab0a4972b98202b8b",
        "AT+CMGR=0\n+CMGR: 1,,30\n0791261229064012040C912622192340800000700191218253820CE130681C5E97E12072190D\nOK\n",
    ),
    "26": (
        "8d9960ebbe53066f9362a8041691fbc7fa39c33a",
        "AT+CMGR=4\n+CMGR: 4,1,,151\n0791539111161616640C9153916161755000F54020310164450084831281000615FFFFE7F6E003E193"
        "CC0B0000E793D1460000E193D2A00000E793D1400000E1C7D0900000FFFFD2A00000F88FD1400000F047E8806003F007F700D3E6F82C"
        "79D06413FC5C7EE809C8FE3FFF7012E4FFFFFFA823E2E0867FB021C2F99E7FA8208289867FB42082899FFF9A2492F9867FDD13E4FFFF"
        "FFEE8808FFFFFFED4808\nOK\n",
    ),
    "30": (
        "9b5fec91ca95ba87aa3953348374968dfb34c261",
        "AT+CMGR=0\n+CMGR: 1,,25\n079124603050020006E80C91666666666666909070618422809090706184628000\nOK\n",
    ),
    "38": (
        "f042519ee37dfec4d4f5747e0f38cab698e17aef",
        "AT+CMGR=1\n+CMGR: 24\n079124602009999006B4098106326906F2212041015554402120410155054000\nOK\n",
    ),
    "42": (
        "e210c5ae4fb6a44267c477bc6a0e1cf928cde6f8",
        "AT+CMGR=37\n+CMGR: 1,,45\n06914977000030200B914977745010F700FB918050809053221DB15CEC868BC9663018080402816432DD"
        "0C060281A4412A159904\nOK\n",
    ),
    # Fixtures whose header <length> does not match their PDU (see the module docstring).
    "08": (
        "56e1d68e499f57f506c9dc3b354684c14575a999",
        "AT+CMGR=0\n+CMGR: 0,23\n07912374151616F6040B912374786468F300002010701280334009D4E2940A6A01002D\nOK\n",
    ),
    "09": (
        "510d5f2cb447dcfed8613aa929adc954f5592048",
        "AT+CMGR=0\n+CMGR: 0,23\n07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37\nOK\n",
    ),
    "15": (
        "5e9adfd19c5965804fc3e96d6b4145cf41ea0ed7",
        "AT+CMGR=1\n+CMGR: 1,,78\n07919761989901F031000B919761084218F200F1FF04D4F29C0E\nOK\n",
    ),
    "16": (
        "bd49a6ebe9930e9eae4d5bf665e7207e1e4b70b2",
        "AT+CMGR=1\n+CMGR: 1,,78\n07912480002143651100048121430008FF0C003100320033003400350036\nOK\n\n",
    ),
    "19": (
        "9d86f432f85a53dd473d5dbc8e89092be671d296",
        "AT+CMGR=1\n+CMGR: 2,,164\n069134660405F151000C8160460653332000F1001600C034DC86B3CBA063B8DDAE83DAE5F93C7C2E03\n"
        "OK\n",
    ),
    "21": (
        "b591dc8d61fef2346f0666e2cef1063aa00bf746",
        "AT+CMGR=1\n+CMGR: 1,,78\n0791836027201111040C918390276576880000701192908285800133\nOK\n",
    ),
    "22": (
        "703dc585d8ddcfaa3780385271d27a07fb2d9f5a",
        "AT+CMGR=1\n+CMGR: 1,,78\n0791246020099990400C91247042972767000070107031107440A005000301020182E8B71A040FDBD965"
        "16881E5E83DA65907D5C968741EEF49AFC06B9CBEFB53C4C66B34061771AE42EEBDDE1799AED4EB34161D0BA0E7F93D3F63A483D2FB74"
        "161771AE42ED7E7EE3A3BCC0285C720FABB5D07B5DF6390BB3C1FA3C3FA32FBAD4BB940D43219342F83C6E8FC9C1E6E83E0F2F0F86D0"
        "FD3416150FBAD77874169903B0CA2BF41\nOK\n",
    ),
    "23": (
        "ee61cb042ec0fa53f9bda2ae677f8e212929825a",
        "AT+CMGR=1\n+CMGR: 1,,78\n0791449737019037040C9144970710112800008010101041240000\nOK\n",
    ),
    "24": (
        "3679e08dbbb88d09985f8af59191104c777e56e7",
        "AT+CMGR=1\n+CMGR: 1,,78\n018111000A8133184449200000FF1E69F7BC2C4FCFC76950BC9E06A5D9A076793E0F9FCFE9B7CBE5"
        "7201\nOK\n",
    ),
    "27": (
        "1b9e457ef76617b2be770882b8dbe266841dd308",
        "AT+CMGR=4\n+CMGR: 4,1,,151\n0791539126010000240C9153915658733100008021626104720083C539BC2C7F83E2F532885E76A3C3"
        "73103D4D7E83EA6D90334C0FB341E536E82C0FBBC965D0185D4EBF41E43268FC4ECFC37390F81D9E8374295019143EBFE56150BC5E06D5"
        "DB20F7DBFE0685DD6FD0BC0C0AC3E56F7CBA5D6691CBF3B2FADDA297416F50B3C8443EA5206139AD4EBBD16F1008\nOK\n",
    ),
    "28": (
        "c134ca16fd644d3379acc0bc33387aef09c3aa05",
        "AT+CMGR=0\n+CMGR: 0,23\n07915141991321F311000B914161787734F800F1FF32EE7A2B0D72A7DBE9B10BE4ACB7C36950DA3D2ECBC7"
        "A07918640F9341E432082E4FB7CBF331A82C97BFE56917\nOK\n",
    ),
    "29": (
        "09a1c140c60b3153cc667af2222a413aab965709",
        "AT+CMGR=0\n+CMGR: 0,23\n07913316968186F511000A8160036561150011FF11EDB71B442FE3E96510F9549ECFC369\nOK\n",
    ),
    "34": (
        "1ddac57d8669af817230b919fcb594dcc09f8075",
        "AT+CMGR=1\n+CMGR: 3,,29\n07911614786007F006060B911634092142F4019071011000040190710110450400060000\nOK\n",
    ),
    "36": (
        "9264b8db3f66f17fd78c479025fbf274943cd0b6",
        "AT+CMGR=1\n+CMGR: 3,,29\n07912658050000F006010D91265817373754F501010161705382010101617083820000\nOK\n",
    ),
    "37": (
        "ff5699244c1cef6b6b4ef9d0d7f32a3c97a0b611",
        "AT+CMGR=1\n+CMGR: 3,,29\n0791448720003023040C914477238442230000010180029182408EC832BBEC3ECD41F0B0BCECA6CF41617"
        "919447EDFDD20FABBFD96CBDF7717C8F9A683E6757919744787E9A07B1914969741753888FE06BDDDA079DD4D0EE75DA06B9ACD06B1CB"
        "74501DB476BFEF2E50505E06E5DF75D0991D2683F2EF3AA89D9ECFCB64105946FE81AEE5301D5D9683D8EFF7BA4C06C1CB7273794C0F"
        "01\nOK\n",
    ),
}

HEADER_MATCHES = {"01", "02", "03", "04", "05", "06", "07", "12", "26", "30", "38", "42"}

# name: what the entry holds. kind: "deliver", "submit" or "report".
# deliver: sender, text, time; submit: recipient, text; report: recipient, reference, status, sent, done.
EXPECTED = {
    # stat 1 (received), but the phone stored the DELIVER with first octet 0x11 (MTI "SUBMIT"). Decoded
    # as the DELIVER its <stat> says it is (first octet taken as 0x04): a Czech operator's notice.
    "01": dict(
        kind="deliver",
        status=1,
        sender="4603",
        text="Vazeny zakazniku, sluzba je docasne mimo provoz. Dekujeme za pochopeni.",
        time=((2007, 3, 24, 17, 23, 5), 0),
    ),
    "02": dict(kind="submit", status=3, recipient="+639193770523", text="May salary na ba?"),
    "03": dict(kind="deliver", status=1, sender="+919884280026", text="Ok sir", time=((2007, 5, 3, 7, 4, 40), 330)),
    # Alphanumeric sender: 6 semi-octets hold 3 septets, "O2" and a pad septet that decodes as "_".
    "04": dict(
        kind="deliver",
        status=1,
        sender=("O2", "O2_"),
        text="O2: You now have your Text Anytime 300 UK texts & 1MB of data to use this mth. Remember to top-up "
        " 10 or more before 171206 to get your free allowance next mth",
        time=((2006, 11, 19, 8, 26, 34), 0),
    ),
    "05": dict(kind="submit", status=3, recipient="3200", text="Pontos"),
    "06": dict(
        kind="deliver",
        status=1,
        sender="5036710",
        text="For your ease to browse content after handset changed, you will receive a service setting soon. "
        "Simply save as default.",
        time=((2007, 7, 9, 10, 54, 0), 0),
    ),
    "07": dict(kind="deliver", status=0, sender="+358456709855", text="Test", time=((2006, 9, 6, 18, 46, 31), 120)),
    "12": dict(
        kind="deliver", status=1, sender="+622291320408", text="aa cakep deh", time=((2007, 10, 19, 12, 28, 35), 420)
    ),
    # A Nokia smart message (8-bit, DCS F5, with a user data header): the binary payload is not text.
    "26": dict(kind="deliver", status=None, sender="+351916165705"),
    "30": dict(
        kind="report",
        status=1,
        recipient="+666666666666",
        reference=232,
        report_status=0,
        sent=((2009, 9, 7, 16, 48, 22), 120),
        done=((2009, 9, 7, 16, 48, 26), 120),
    ),
    # "+CMGR: 24": no <stat> at all, only the length.
    "38": dict(
        kind="report",
        status=None,
        recipient="602396602",
        reference=180,
        report_status=0,
        sent=((2012, 2, 14, 10, 55, 45), 60),
        done=((2012, 2, 14, 10, 55, 50), 60),
    ),
    "42": dict(
        kind="deliver",
        status=1,
        sender="+94774705017",
        text="1917812300     22:30   RATTHI",
        time=((2019, 8, 5, 8, 9, 35), 330),
    ),
    "08": dict(kind="deliver", status=0, sender="+32478746863", text="TEST -@@-", time=((2002, 1, 7, 21, 8, 33), 60)),
    "09": dict(
        kind="deliver", status=0, sender="27838890001", text="hellohello", time=((1999, 3, 29, 15, 16, 59), 120)
    ),
    "15": dict(kind="submit", status=1, recipient="+79168024812", text="Test"),
    "16": dict(kind="submit", status=1, recipient="1234", text="123456"),
    "19": dict(kind="submit", status=2, recipient="066460353302", text="Sample Gammu message"),
    "21": dict(kind="deliver", status=1, sender="+380972566788", text="3", time=((2007, 11, 29, 9, 28, 58), 120)),
    "22": dict(
        kind="deliver",
        status=1,
        sender="+420724797276",
        text="Ahoj pavle, tak me vcera nikdo neokradl, ani neznasilnil a kupodivu jsem ani neusnula, ac tomu moc "
        "neschazelo:). Ted se chystam pracovat a mozna i na to ",
        time=((2007, 1, 7, 13, 1, 47), 60),
    ),
    "23": dict(kind="deliver", status=1, sender="+447970011182", text="", time=((2008, 1, 1, 1, 14, 42), 0)),
    # SMSC part "0181": a type octet and no digits. The reference decoder needed the SMSC part
    # replaced by "00" to read it.
    "24": dict(kind="submit", status=1, recipient="3381449402", text="inserisci qui il messaggio...."),
    "27": dict(
        kind="deliver",
        status=None,
        sender="+351965853713",
        text="Espero que tenhas tido um Natal em grande cheio de coisas boas :) e agora que um novo ano se "
        "aproxime,desejo-te o MELHOR Beijinho  ",
        time=((2008, 12, 26, 16, 40, 27), 0),
    ),
    "28": dict(
        kind="submit", status=0, recipient="+14168777438", text="nu-i nimic. Numai incerc sa vad de primesc errori."
    ),
    "29": dict(kind="submit", status=0, recipient="0630561651", text="mon texte d'essai"),
    "34": dict(
        kind="report",
        status=3,
        recipient="+61439012244",
        reference=6,
        report_status=0,
        sent=((2010, 9, 17, 10, 1, 0), 600),
        done=((2010, 9, 17, 10, 1, 54), 600),
    ),
    "36": dict(
        kind="report",
        status=3,
        recipient="+6285717373455",
        reference=1,
        report_status=0,
        sent=((2010, 10, 10, 16, 7, 35), 420),
        done=((2010, 10, 10, 16, 7, 38), 420),
    ),
    "37": dict(
        kind="deliver",
        status=3,
        sender="+447732482432",
        text="Helen's parents are down tomorrow. Not sure what we are up to on sunday. Will let u know. Are you "
        "glad you missed d2d? Weather looked perfect!",
        time=((2010, 10, 8, 20, 19, 28), 60),
    ),
}
