"""ATI answers of modules that put brand, model, revision and IMEI on one screen.

- Sierra Wireless MC7455, https://github.com/danielewood/sierra-wireless-modems/issues/48
  (a terminal log, each line prefixed "Recieve: " by the user's tool, which is removed here).
- BroadMobi BM806C (in a D-Link DWR-921 C1),
  https://github.com/4IceG/luci-app-3ginfo-lite/issues/75 (sms_tool output; the tool prints
  the answer without the final OK, which is added here).
Verbatim: the lines. Adapted: AT+CGMI/+CGMM/+CGMR/+CGSN are refused (ERROR) so that the driver
identifies the module from ATI alone, as it must for modules that answer only ATI.
"""

SOURCE = "danielewood/sierra-wireless-modems#48, 4IceG/luci-app-3ginfo-lite#75"
DEVICE = "Sierra Wireless MC7455, BroadMobi BM806C"

MC7455_ATI = [
    "Manufacturer: Sierra Wireless, Incorporated",
    "Model: MC7455",
    "Revision: SWI9X30C_02.33.03.00 r8209 CARMD-EV-FRMWR2 2019/08/28 20:59:30",
    "IMEI: 359072061513111",
    "IMEI SV: 20",
    "FSN: LQ911102710210",
    "+GCAP: +CGSM",
    "OK",
]
BM806C_ATI = [
    "Manufacturer: BroadMobi",
    "Model: BM806C",
    "Revision: M1.2.0_E1.0.1_A1.1.8",
    "IMEI: 358289080491316",
    "+GCAP: +CGSM",
    "OK",
]
