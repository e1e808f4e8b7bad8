/*
 * beacon_cert.c - the certificate NIST's Randomness Beacon 2.0 signs its
 * pulses with, built in as the default trust of alot-verify
 * (alot_beacon_trust_add_builtin).
 *
 * Copied verbatim from the field certificate_pem of
 * ../shared/data/nist-beacon/chain2-pulses-1862118-1862119.json, recorded
 * from beacon.nist.gov (published as test data in GodlyDonuts/shohin,
 * pipeline/testdata/acw_nist_beacon_snapshot.json); it signed chain 2's
 * pulses 1862118 and 1862119 (2026-07-16T13:49Z and 13:50Z).
 *
 *   subject     CN=engine.beacon.nist.gov, O=National Institute of Standards and
 *               Technology, L=Gaithersburg, ST=Maryland, C=US
 *   issuer      CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US
 *   validity    2025-08-28 00:00:00 UTC to 2026-09-04 23:59:59 UTC
 *   key         RSA 4096
 *   certificateId (SHA-512 of the DER bytes)
 *               528943a555f5f8ca54423be6dfb95925a35c7b552046420e7d7cd072058a14d6
 *               536ad3a8e9754b6582f164a90b0cd86a65d659f5426a2659a947595d1c816c8c
 *
 * The text is kept byte for byte, with its CRLF line ends and no line
 * end after the last line.  NIST marks the first pulse signed with a new
 * certificate with statusCode bit 4; pulses signed after this one
 * expired need that certificate, given to the verifier as a file.
 */
extern const char Alot_beacon_builtin_pem[];

const char Alot_beacon_builtin_pem[] =
	"-----BEGIN CERTIFICATE-----\r\n"
	"MIIIDDCCBvSgAwIBAgIQDtPWG6WQtrhvGOQrU+TzAzANBgkqhkiG9w0BAQsFADBZ\r\n"
	"MQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMTMwMQYDVQQDEypE\r\n"
	"aWdpQ2VydCBHbG9iYWwgRzIgVExTIFJTQSBTSEEyNTYgMjAyMCBDQTEwHhcNMjUw\r\n"
	"ODI4MDAwMDAwWhcNMjYwOTA0MjM1OTU5WjCBkTELMAkGA1UEBhMCVVMxETAPBgNV\r\n"
	"BAgTCE1hcnlsYW5kMRUwEwYDVQQHEwxHYWl0aGVyc2J1cmcxNzA1BgNVBAoTLk5h\r\n"
	"dGlvbmFsIEluc3RpdHV0ZSBvZiBTdGFuZGFyZHMgYW5kIFRlY2hub2xvZ3kxHzAd\r\n"
	"BgNVBAMTFmVuZ2luZS5iZWFjb24ubmlzdC5nb3YwggIiMA0GCSqGSIb3DQEBAQUA\r\n"
	"A4ICDwAwggIKAoICAQDK8LBXc1vqLy0L/HgqGzRpINHK9ekZL03Le2OQb1virh09\r\n"
	"rKTgzl612xpEPZvob3VQM8MYyY7Y07+PSu76uR/qjAiE+0bz5qjrgtqzXA1JIN0c\r\n"
	"CP7e0jC/cQp+UuOTSGrhFMSVRWehPNzhYAIJPwra6sCD73UC74qx8kP+idR6BwkQ\r\n"
	"YSgoPTzgkpiFBvXkAo4TIociiExaEOYP208ZgcXHphB2gb/TKKlA3r9aTYUIZcpT\r\n"
	"23MTEmV6913T8ODC+CyRNSZ0OvIO0uXzNpOHGzsd/AnT5C6T+9aMWx+4IjeRgl3z\r\n"
	"wuP9cnNMbJUJQ2qfGiQA2/4Cr19oHN+XiBQIgsX2RmPuVRUAGpQrqzTF5z+OvGut\r\n"
	"gaA6ZL0SUyN9KnRO0KkVqb1lWaclCEEiIJTXjC9tCo1xF0wGZyeHrbWI4TqKKgnK\r\n"
	"C//NejclCak+li1HW02Vttjav4PhlcnSI0f/uW6ljjOG0TQdJiqWLN+jTZEZQ2Cm\r\n"
	"MLRJQLfj/brti4J+IFZEjDF3CwK8daf+n36he7J1PAwRCWNsKExIyGzQTyWGfJ9V\r\n"
	"Tz9ljtY5+zz+hA5PTUaPVOzUzHyl97227kPf4KaJQYMwa2Uf67zmzCv3NZtVACo2\r\n"
	"pVJvYwFZhjG8RThgY60KJZHcJnuhwG0CHBrHpArryLrdeMWEePd+7+aCWu88KQID\r\n"
	"AQABo4IDlTCCA5EwHwYDVR0jBBgwFoAUdIWAwGbH3zfez70pN6oDHb7tzRcwHQYD\r\n"
	"VR0OBBYEFFU/rZbp31gShqzyw4IbOPv3NTUTMCEGA1UdEQQaMBiCFmVuZ2luZS5i\r\n"
	"ZWFjb24ubmlzdC5nb3YwPgYDVR0gBDcwNTAzBgZngQwBAgIwKTAnBggrBgEFBQcC\r\n"
	"ARYbaHR0cDovL3d3dy5kaWdpY2VydC5jb20vQ1BTMA4GA1UdDwEB/wQEAwIFoDAd\r\n"
	"BgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwgZ8GA1UdHwSBlzCBlDBIoEag\r\n"
	"RIZCaHR0cDovL2NybDMuZGlnaWNlcnQuY29tL0RpZ2lDZXJ0R2xvYmFsRzJUTFNS\r\n"
	"U0FTSEEyNTYyMDIwQ0ExLTEuY3JsMEigRqBEhkJodHRwOi8vY3JsNC5kaWdpY2Vy\r\n"
	"dC5jb20vRGlnaUNlcnRHbG9iYWxHMlRMU1JTQVNIQTI1NjIwMjBDQTEtMS5jcmww\r\n"
	"gYcGCCsGAQUFBwEBBHsweTAkBggrBgEFBQcwAYYYaHR0cDovL29jc3AuZGlnaWNl\r\n"
	"cnQuY29tMFEGCCsGAQUFBzAChkVodHRwOi8vY2FjZXJ0cy5kaWdpY2VydC5jb20v\r\n"
	"RGlnaUNlcnRHbG9iYWxHMlRMU1JTQVNIQTI1NjIwMjBDQTEtMS5jcnQwDAYDVR0T\r\n"
	"AQH/BAIwADCCAYEGCisGAQQB1nkCBAIEggFxBIIBbQFrAHcA2AlVO5RPev/IFhlv\r\n"
	"lE+Fq7D4/F6HVSYPFdEucrtFSxQAAAGY8XDehAAABAMASDBGAiEArI73ONpayuGx\r\n"
	"p9aYiwquf2juRl4/0ywyNvaaHEsG7TsCIQCzOIX1y4qskUjSmiN2TATncR8BiscH\r\n"
	"qWtgSSC0ovVOygB3AMIxfldFGaNF7n843rKQQevHwiFaIr9/1bWtdprZDlLNAAAB\r\n"
	"mPFw3okAAAQDAEgwRgIhAOo4MzhX2v1YItn9ZAfp1nPneHwk4AIcqjYmVNZZgHtJ\r\n"
	"AiEArVpyqLyZVv+xg+TRltVeCMxyXIs/iOXrupQT+r9K/dMAdwCUTkOH+uzB74Hz\r\n"
	"GSQmqBhlAcfTXzgCAT9yZ31VNy4Z2AAAAZjxcN6YAAAEAwBIMEYCIQCQpS7hCyUE\r\n"
	"cQradZjNmMBYkrpUUUnuGi8orxfJJyiHwAIhAIfBIcnxZ+aiEaJKsvsQNOE4CsdA\r\n"
	"NJZT1MCdHe4ytTnVMA0GCSqGSIb3DQEBCwUAA4IBAQCMCc9s/p1hrzmaQaROb+NZ\r\n"
	"7V+zC/gbzKjlCghA8whu/jMaPF2DTRBFADE0Xqo8MEYMMFfeK1J/idyJF3Qctsnr\r\n"
	"CqYR46v2RWgqlGKB8rxpRot9RJiY7DTV6SMAUIh57rDOo0wlPgRMWDZaUoGxIU9l\r\n"
	"ZaNH8fCtfCHX8QTDABWZGKn7oAF0vdECPERB4rLRZj/ntEQ2ZVuWI7d0G7C07neB\r\n"
	"egN2zxtMqRb2/0xq/JGVQ8l7pF7X/2LpjCwzsCBBhX898vqrY6rmlZkrUzYzfz4x\r\n"
	"ZnymNn1aFlU45iP/GunIT86pqzS/sXmuh7EaXpCTzAhTs18PrD/46FJiP7NIBS2M\r\n"
	"-----END CERTIFICATE-----";
