"""The vocabulary of the generated data sets: Vietnamese family, middle and given names with plausible
frequencies, street names of the former Bình Dương, birth provinces (the first three digits of a national
ID), and VSIC 2018 business lines (Decision 27/2018/QĐ-TTg, level 4) with the kinds of enterprise.
"""

# (family name, weight): the commonest family names with their rough shares in the population.
FAMILY_NAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Huỳnh", 5),
    ("Hoàng", 3),
    ("Phan", 4),
    ("Võ", 4),
    ("Vũ", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
    ("Trương", 1),
    ("Đinh", 1),
    ("Lâm", 1),
    ("Mai", 1),
]

MIDDLE_NAMES = {
    "1": ["Văn", "Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Hoàng", "Công", "Tấn", "Gia"],
    "2": ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Mỹ", "Kim", "Bảo", "Phương", "Hồng", "Khánh"],
}

GIVEN_NAMES = {
    "1": [
        "An",
        "Bảo",
        "Bình",
        "Cường",
        "Dũng",
        "Duy",
        "Đạt",
        "Hải",
        "Hiếu",
        "Hòa",
        "Hùng",
        "Huy",
        "Khang",
        "Khoa",
        "Kiên",
        "Long",
        "Lộc",
        "Minh",
        "Nam",
        "Nghĩa",
        "Nhân",
        "Phát",
        "Phong",
        "Phúc",
        "Quang",
        "Sơn",
        "Tài",
        "Tâm",
        "Thành",
        "Thắng",
        "Thịnh",
        "Toàn",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
    ],
    "2": [
        "Anh",
        "Châu",
        "Diễm",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hiền",
        "Hoa",
        "Hồng",
        "Hương",
        "Lan",
        "Linh",
        "Loan",
        "Mai",
        "My",
        "Nga",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quyên",
        "Thảo",
        "Thủy",
        "Thư",
        "Trang",
        "Trâm",
        "Tuyết",
        "Uyên",
        "Vân",
        "Vy",
        "Xuân",
        "Yến",
    ],
}

# Streets of Thủ Dầu Một, Dĩ An, Thuận An, Bến Cát, Tân Uyên… (the former Bình Dương).
STREETS = [
    "Đại lộ Bình Dương",
    "Yersin",
    "Cách Mạng Tháng Tám",
    "Ngô Quyền",
    "Bạch Đằng",
    "Hùng Vương",
    "Phú Lợi",
    "Huỳnh Văn Lũy",
    "Lê Hồng Phong",
    "Nguyễn Văn Tiết",
    "Trần Văn Ơn",
    "Nguyễn Tri Phương",
    "Mỹ Phước – Tân Vạn",
    "ĐT743",
    "ĐT741",
    "Nguyễn An Ninh",
    "Trần Hưng Đạo",
    "Thích Quảng Đức",
    "Lý Thường Kiệt",
    "Nguyễn Du",
    "Võ Thị Sáu",
    "Đoàn Thị Liên",
    "Lê Thị Trung",
    "Trần Phú",
]

# (first three digits of the national ID, province of birth): most of the population was born in the
# province, the rest came from elsewhere (pre-2025 codes, as printed on the cards already issued).
BIRTH_PROVINCES = [
    ("074", "Bình Dương", 60),
    ("079", "Thành phố Hồ Chí Minh", 8),
    ("001", "Hà Nội", 3),
    ("038", "Thanh Hóa", 5),
    ("040", "Nghệ An", 5),
    ("042", "Hà Tĩnh", 3),
    ("052", "Bình Định", 3),
    ("070", "Bình Phước", 3),
    ("072", "Tây Ninh", 3),
    ("087", "Đồng Tháp", 3),
    ("094", "Sóc Trăng", 2),
    ("096", "Cà Mau", 2),
]

# Ethnic groups (national catalogue codes) and their rough weights among the residents.
ETHNICITIES = [("01", "Kinh", 95), ("04", "Hoa", 3), ("05", "Khmer", 1), ("03", "Tày", 1)]

# VSIC 2018, level 4 (code, name).
BUSINESS_LINES = [
    ("1010", "Chế biến, bảo quản thịt và các sản phẩm từ thịt"),
    ("1079", "Sản xuất thực phẩm khác chưa được phân vào đâu"),
    ("1410", "May trang phục (trừ trang phục từ da lông thú)"),
    ("1520", "Sản xuất giày, dép"),
    ("1610", "Cưa, xẻ, bào gỗ và bảo quản gỗ"),
    ("3100", "Sản xuất giường, tủ, bàn, ghế"),
    ("2220", "Sản xuất sản phẩm từ plastic"),
    ("2592", "Gia công cơ khí; xử lý và tráng phủ kim loại"),
    ("2395", "Sản xuất bê tông và các sản phẩm từ bê tông, xi măng và thạch cao"),
    ("4100", "Xây dựng nhà để ở"),
    ("4290", "Xây dựng công trình kỹ thuật dân dụng khác"),
    ("4321", "Lắp đặt hệ thống điện"),
    ("4520", "Bảo dưỡng, sửa chữa ô tô và xe có động cơ khác"),
    ("4620", "Bán buôn nông, lâm sản nguyên liệu (trừ gỗ, tre, nứa) và động vật sống"),
    ("4632", "Bán buôn thực phẩm"),
    ("4659", "Bán buôn máy móc, thiết bị và phụ tùng máy khác"),
    ("4663", "Bán buôn vật liệu, thiết bị lắp đặt khác trong xây dựng"),
    ("4711", "Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào chiếm tỷ trọng lớn"),
    ("4933", "Vận tải hàng hóa bằng đường bộ"),
    ("5210", "Kho bãi và lưu giữ hàng hóa"),
    ("5510", "Dịch vụ lưu trú ngắn ngày"),
    ("5610", "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động"),
    ("6201", "Lập trình máy vi tính"),
    ("6202", "Tư vấn máy vi tính và quản trị hệ thống máy vi tính"),
    ("6810", "Kinh doanh bất động sản, quyền sử dụng đất thuộc chủ sở hữu, chủ sử dụng hoặc đi thuê"),
    ("6920", "Hoạt động liên quan đến kế toán, kiểm toán và tư vấn về thuế"),
    ("7110", "Hoạt động kiến trúc và tư vấn kỹ thuật có liên quan"),
    ("8299", "Hoạt động dịch vụ hỗ trợ kinh doanh khác còn lại chưa được phân vào đâu"),
    ("8559", "Giáo dục khác chưa được phân vào đâu"),
]

# (kind of enterprise, the name's prefix in Vietnamese, in English, the legal representative's title)
ENTERPRISE_KINDS = [
    ("Công ty trách nhiệm hữu hạn một thành viên", "Công ty TNHH", "Company Limited", "Giám đốc"),
    ("Công ty trách nhiệm hữu hạn hai thành viên trở lên", "Công ty TNHH", "Company Limited", "Giám đốc"),
    ("Công ty cổ phần", "Công ty Cổ phần", "Joint Stock Company", "Chủ tịch Hội đồng quản trị"),
    ("Doanh nghiệp tư nhân", "Doanh nghiệp tư nhân", "Private Enterprise", "Chủ doanh nghiệp"),
]

# The trade of a business name (Vietnamese, English), chosen to go with its main line.
TRADES = {
    "1": ("Chế biến Thực phẩm", "Food Processing"),
    "14": ("May mặc", "Garment"),
    "15": ("Giày da", "Footwear"),
    "16": ("Chế biến Gỗ", "Wood Processing"),
    "31": ("Nội thất", "Furniture"),
    "2": ("Sản xuất Công nghiệp", "Industrial Manufacturing"),
    "4": ("Thương mại Dịch vụ", "Trading and Services"),
    "41": ("Xây dựng", "Construction"),
    "42": ("Xây dựng", "Construction"),
    "43": ("Cơ điện", "Mechanical and Electrical"),
    "49": ("Vận tải", "Transport"),
    "52": ("Logistics", "Logistics"),
    "55": ("Du lịch Khách sạn", "Hospitality"),
    "56": ("Ẩm thực", "Catering"),
    "62": ("Công nghệ Thông tin", "Information Technology"),
    "68": ("Địa ốc", "Real Estate"),
    "69": ("Tư vấn Thuế", "Tax Consulting"),
    "71": ("Tư vấn Thiết kế", "Design Consulting"),
    "82": ("Dịch vụ", "Services"),
    "85": ("Giáo dục", "Education"),
}

# The distinctive part of a business name (Vietnamese; English without diacritics).
BRAND_WORDS = [
    ("An Phát", "An Phat"),
    ("Bình An", "Binh An"),
    ("Phú Cường", "Phu Cuong"),
    ("Thành Công", "Thanh Cong"),
    ("Hưng Thịnh", "Hung Thinh"),
    ("Tân Phú", "Tan Phu"),
    ("Đại Nam", "Dai Nam"),
    ("Sông Bé", "Song Be"),
    ("Minh Long", "Minh Long"),
    ("Việt Hàn", "Viet Han"),
    ("Kim Ngân", "Kim Ngan"),
    ("Phước Lộc", "Phuoc Loc"),
    ("Thuận Phát", "Thuan Phat"),
    ("Hoàng Gia", "Hoang Gia"),
    ("Lái Thiêu", "Lai Thieu"),
    ("Mỹ Phước", "My Phuoc"),
    ("Tân Uyên", "Tan Uyen"),
    ("Dĩ An", "Di An"),
    ("Sao Việt", "Sao Viet"),
    ("Trường Thịnh", "Truong Thinh"),
    ("Đông Á", "Dong A"),
    ("Nam Long", "Nam Long"),
    ("Phú Giáo", "Phu Giao"),
    ("Bến Cát", "Ben Cat"),
]


def trade_for(line_code: str) -> tuple[str, str]:
    """The trade words of a business whose main line is ``line_code``: the longest matching prefix."""
    for length in (2, 1):
        if line_code[:length] in TRADES:
            return TRADES[line_code[:length]]
    return TRADES["4"]
