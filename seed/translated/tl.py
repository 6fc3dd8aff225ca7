"""Tagalog/Filipino."""

TEXTS = {
    "campaign": {
        "title": (
            "Kampanya para sa Buwanang Tagasuporta | Isang mas mabait na kinabukasan "
            "nang magkakasama, mula sa “maliliit na pag-unawa”"
        ),
        "lead": "Ang iyong suporta ay nagpapalago ng pag-uusap, hindi ng pagkakawatak-watak.",
    },
    "tiers": {
        3_000: "Malulutas ang isang problema sa papeles o proseso ng isang dayuhang residente",
        5_000: (
            "Masusuportahan ang anim na buwang pagkakaibigan na tutulong sa isang dayuhang "
            "residente na masanay nang panatag sa buhay sa Japan"
        ),
        10_000: "Makapagdaraos ng isang klase ng pag-aaral para sa mga bata sa komunidad",
        30_000: "Mabibigyan ng pagkakataon ang sampung dayuhang residente na makilala ang mga Hapon",
        100_000: (
            "Mabibigyan ang komunidad ng pagkakataong matuto tungkol sa pamumuhay nang "
            "magkakasama ng iba't ibang kultura"
        ),
    },
    "funding": ["Bayad ng mga kalahok", "Grant at mga donasyon"],
    "programs": {
        "otonarisan": {
            "name": "Programang Kapitbahay at Kaibigan ng Pamilya (Otonarisan)",
            "tagline": "Nagbubukas ng usapan",
            "summary": (
                "Para magkaroon ng mga sandali ng “maliit na pag-unawa” sa pagitan ng mga dayuhang "
                "residente at mga Hapon, pinapatakbo namin ang Programang Kapitbahay at Kaibigan "
                "ng Pamilya, na nag-uugnay sa mga dayuhang nakatira sa Japan at sa mga tao "
                "sa komunidad.\n\n"
                "Pinagpapares ang isang dayuhang residente at isang Hapon, at sa loob ng anim na "
                "buwan, dahan-dahan nilang ibinabahagi ang kanilang pang-araw-araw na buhay.\n"
                "Nagkukuwentuhan sila tungkol sa kanilang bansa, nagpapayuhan tungkol sa pagpapalaki "
                "ng anak, sabay na namimili, at nararanasan ang mga pagdiriwang ng bawat panahon.\n\n"
                "Unti-unti, hindi na nila nakikita ang isang inaakalang “dayuhan,” kundi ang "
                "“kapitbahay” na nasa tabi lang nila."
            ),
        },
        "spot-otonarisan": {
            "name": "Kapitbahay sa Isang Pagkakataon (Spot Otonarisan)",
            "tagline": "Minsanang tulong sa mga problema sa araw-araw",
            "summary": (
                "Marami pa kaming paraan para mapaglapit ang mga dayuhang residente at ang "
                "komunidad. Isa rito ang Kapitbahay sa Isang Pagkakataon: minsanang tinutulungan "
                "ng mga boluntaryo ang mga dayuhang residenteng may problema sa araw-araw, "
                "tulad ng pagsama sa mga opisina at pagtulong sa wika."
            ),
        },
        "hanamaru-class": {
            "name": "Klase Hanamaru",
            "tagline": "Suporta sa pag-aaral ng mga batang may pinagmulan sa ibang bansa",
            "summary": (
                "Sa Klase Hanamaru, masayang nag-aaral ang mga batang may pinagmulan sa ibang bansa "
                "na magbasa at magsulat ng Japanese kasama ang mga boluntaryo. Maraming pamilyang "
                "dayuhan ang hindi makapagturo ng pagbasa at pagsulat ng Japanese sa bahay, at "
                "maaari itong makaapekto sa kinabukasan ng bata. Sinusuportahan ng klase ang mga "
                "batang ito at pinalalakas ang kanilang tiwala sa sarili sa paaralan sa Japan."
            ),
        },
        "kurashi-consultation": {
            "name": "Konsultasyon sa Pamumuhay",
            "tagline": "Sama-samang paglutas ng mga problema sa buhay kasama ang mga eksperto",
            "summary": (
                "Sa Konsultasyon sa Pamumuhay, nakikipagtulungan kami sa iba't ibang eksperto "
                "para tulungan ang mga dayuhang residente na lutasin ang mahihirap na problemang "
                "kinakaharap nila."
            ),
        },
    },
    "sections": {"messages": {"heading": "Mga mensahe ng suporta"}},
}
