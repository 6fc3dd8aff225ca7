"""Tiếng Việt."""

TEXTS = {
    "campaign": {
        "title": (
            "Chiến dịch tìm Người ủng hộ hằng tháng | "
            "Tương lai chung sống thân thiện bắt đầu từ những “hiểu biết nhỏ”"
        ),
        "lead": "Sự ủng hộ của bạn vun đắp “đối thoại” mới, thay vì chia rẽ.",
    },
    "tiers": {
        3_000: "Giúp giải quyết một khó khăn về thủ tục mà một cư dân nước ngoài đang gặp",
        5_000: (
            "Hỗ trợ sáu tháng giao lưu, giúp một cư dân nước ngoài yên tâm làm quen "
            "với cuộc sống ở Nhật"
        ),
        10_000: "Tổ chức một buổi học hỗ trợ học tập cho trẻ em tại địa phương",
        30_000: "Tạo cơ hội cho mười cư dân nước ngoài kết nối với người Nhật",
        100_000: "Mang đến cho cộng đồng địa phương một cơ hội tìm hiểu về chung sống đa văn hóa",
    },
    "funding": ["Hội phí của người tham gia", "Tiền trợ cấp và quyên góp"],
    "programs": {
        "otonarisan": {
            "name": "Chương trình Hàng xóm & Bạn gia đình (Otonarisan)",
            "tagline": "Tạo nên những cuộc trò chuyện",
            "summary": (
                "Để tạo ra những khoảnh khắc “hiểu biết nhỏ” giữa cư dân nước ngoài và người Nhật, "
                "chúng tôi tổ chức Chương trình Hàng xóm & Bạn gia đình, kết nối người nước ngoài "
                "sống tại Nhật với người dân địa phương.\n\n"
                "Một cư dân nước ngoài và một người Nhật được ghép cặp, và trong sáu tháng, "
                "họ nhẹ nhàng chia sẻ cuộc sống hằng ngày với nhau.\n"
                "Họ kể về đất nước của mình, trao đổi chuyện nuôi dạy con, cùng đi mua sắm "
                "và trải nghiệm các lễ hội theo mùa.\n\n"
                "Dần dần, họ không còn nhìn nhau như một “người nước ngoài” trong tưởng tượng, "
                "mà như một “người hàng xóm” ngay bên cạnh."
            ),
        },
        "spot-otonarisan": {
            "name": "Hàng xóm hỗ trợ một lần (Spot Otonarisan)",
            "tagline": "Hỗ trợ một lần khi gặp khó khăn trong cuộc sống",
            "summary": (
                "Chúng tôi còn mở rộng nhiều cách khác để cư dân nước ngoài và người dân địa phương "
                "kết nối với nhau. Một trong số đó là “Hàng xóm hỗ trợ một lần”: tình nguyện viên "
                "giúp đỡ một lần cho cư dân nước ngoài đang gặp khó khăn trong cuộc sống, "
                "như đi cùng khi làm thủ tục hoặc hỗ trợ về ngôn ngữ."
            ),
        },
        "hanamaru-class": {
            "name": "Lớp học Hanamaru",
            "tagline": "Hỗ trợ việc học của trẻ em có nguồn gốc nước ngoài",
            "summary": (
                "Tại Lớp học Hanamaru, trẻ em có nguồn gốc nước ngoài cùng tình nguyện viên "
                "vui vẻ học đọc và viết tiếng Nhật. Nhiều gia đình người nước ngoài không thể "
                "dạy con đọc viết tiếng Nhật ở nhà, điều này có thể ảnh hưởng đến tương lai của trẻ. "
                "Lớp học hỗ trợ các em và giúp các em tự tin hơn khi đi học ở Nhật."
            ),
        },
        "kurashi-consultation": {
            "name": "Tư vấn đời sống",
            "tagline": "Cùng chuyên gia giải quyết các vấn đề trong cuộc sống",
            "summary": (
                "Trong chương trình Tư vấn đời sống, chúng tôi phối hợp với nhiều chuyên gia "
                "để giúp cư dân nước ngoài giải quyết những vấn đề khó khăn mà họ gặp phải."
            ),
        },
    },
    "sections": {"messages": {"heading": "Lời nhắn cổ vũ"}},
}
