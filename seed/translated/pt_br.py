"""Português (Brasil)."""

TEXTS = {
    "campaign": {
        "title": (
            "Campanha de Apoiadores Mensais | "
            "Um futuro de convivência mais gentil, a partir de “pequenas compreensões”"
        ),
        "lead": "Seu apoio cultiva o diálogo, e não a divisão.",
    },
    "tiers": {
        3_000: "Resolve um problema de documentos ou trâmites de um morador estrangeiro",
        5_000: (
            "Apoia seis meses de amizade para que um morador estrangeiro se adapte "
            "com tranquilidade à vida no Japão"
        ),
        10_000: "Realiza uma aula de apoio escolar para crianças da comunidade",
        30_000: "Dá a dez moradores estrangeiros a chance de se conectar com japoneses",
        100_000: (
            "Oferece à comunidade local uma oportunidade de aprender sobre a convivência "
            "entre culturas"
        ),
    },
    "funding": ["Mensalidades dos participantes", "Subsídios e doações"],
    "programs": {
        "otonarisan": {
            "name": "Programa Vizinhos e Amigos da Família (Otonarisan)",
            "tagline": "Criando conversas",
            "summary": (
                "Para criar momentos de “pequena compreensão” entre moradores estrangeiros e "
                "japoneses, mantemos o Programa Vizinhos e Amigos da Família, que aproxima "
                "estrangeiros que vivem no Japão e pessoas da comunidade local.\n\n"
                "Um morador estrangeiro e um japonês formam uma dupla e, durante seis meses, "
                "compartilham com calma o dia a dia um do outro.\n"
                "Conversam sobre seus países, trocam conselhos sobre a criação dos filhos, "
                "fazem compras juntos e participam de eventos típicos de cada estação.\n\n"
                "Aos poucos, deixam de ver um “estrangeiro” imaginado e passam a ver o “vizinho” "
                "que está ao seu lado."
            ),
        },
        "spot-otonarisan": {
            "name": "Vizinhos Pontuais (Spot Otonarisan)",
            "tagline": "Ajuda pontual com as dificuldades do dia a dia",
            "summary": (
                "Também criamos muitas outras formas de aproximar moradores estrangeiros e a "
                "comunidade local. Uma delas é o Vizinhos Pontuais: voluntários dão uma ajuda "
                "pontual a moradores estrangeiros com dificuldades do dia a dia, acompanhando-os "
                "em repartições públicas e ajudando com o idioma."
            ),
        },
        "hanamaru-class": {
            "name": "Turma Hanamaru",
            "tagline": "Apoio ao aprendizado de crianças com raízes no exterior",
            "summary": (
                "Na Turma Hanamaru, crianças com raízes no exterior aprendem a ler e escrever em "
                "japonês de forma divertida, junto com voluntários. Muitas famílias estrangeiras "
                "não conseguem ensinar a leitura e a escrita em japonês em casa, o que pode afetar "
                "o futuro das crianças. A turma apoia essas crianças e fortalece a confiança delas "
                "na escola japonesa."
            ),
        },
        "kurashi-consultation": {
            "name": "Consultas sobre a Vida Cotidiana",
            "tagline": "Resolvendo problemas do dia a dia junto com especialistas",
            "summary": (
                "Nas Consultas sobre a Vida Cotidiana, trabalhamos com diversos especialistas para "
                "ajudar moradores estrangeiros a resolver os problemas difíceis que enfrentam."
            ),
        },
    },
    "sections": {"messages": {"heading": "Mensagens de apoio"}},
}
