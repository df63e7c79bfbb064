"""Train the SP2 QR zstd dictionary on credentials the builders make (not on test data).

Run from the repository root:

    .venv/bin/python tools/train_qr_dictionary.py            # prints the SHA-256
    .venv/bin/python tools/train_qr_dictionary.py --write    # writes skillpass/qr/data/

The corpus is synthetic and deterministic (``--seed``): skillpass.credentials builds
qualifications, skills, work experience and language levels from the vocabulary below (English,
French, Spanish, Portuguese, Arabic, Russian, Ukrainian, Hindi, Nepali, Bengali, Vietnamese,
Tagalog, Indonesian; one or two scripts per credential), with random ids, salts, keys and
signatures. Each sample is the SP2 compact CBOR body (what zstd compresses: binary values travel
outside it). The tests' credentials (tests/skillpass/qr_samples.py) are written separately and
never enter this corpus.

The dictionary is part of the SP2 format: once released, it must never be regenerated into the
package. A new dictionary needs a new format version.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyzstd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skillpass import KeyPair, sign_credential  # noqa: E402
from skillpass import credentials as cr  # noqa: E402
from skillpass.qr import _cbor, _codec  # noqa: E402

DICT_SIZE = 32768
SAMPLES = 3000
SEED = 20261130

# --------------------------------------------------------------------------- vocabulary

SKILLS_EN = [
    "install electrical wiring",
    "test electrical equipment",
    "read blueprints",
    "use measurement instruments",
    "maintain electrical equipment",
    "weld metal parts",
    "perform gas tungsten arc welding",
    "inspect welded joints",
    "operate forklift",
    "load and unload cargo",
    "manage warehouse inventory",
    "prepare food ingredients",
    "cook meat dishes",
    "ensure food hygiene",
    "bake bread and pastry",
    "serve food and beverages",
    "clean guest rooms",
    "assist patients with daily activities",
    "administer first aid",
    "monitor vital signs",
    "support elderly people at home",
    "care for children",
    "drive heavy goods vehicles",
    "perform vehicle maintenance",
    "diagnose engine faults",
    "repair brake systems",
    "install plumbing systems",
    "lay bricks",
    "apply plaster",
    "erect scaffolding",
    "paint surfaces",
    "install tiles",
    "operate construction machinery",
    "harvest crops",
    "tend livestock",
    "operate agricultural machinery",
    "sew garments",
    "operate sewing machines",
    "cut hair",
    "apply make-up",
    "handle customer complaints",
    "process payments",
    "use spreadsheets software",
    "install computer networks",
    "develop software applications",
    "maintain refrigeration systems",
    "install air conditioning units",
    "follow occupational safety rules",
    "use personal protective equipment",
    "communicate with colleagues",
    "work in a team",
    "keep records of work",
    "operate lathe",
    "assemble mechanical components",
    "program CNC machines",
    "inspect product quality",
    "package goods",
    "operate cranes",
    "fish with nets",
    "navigate vessels",
]

LATIN_TEXT = {
    "en": {
        "issuers": [
            "National Vocational Training Institute",
            "Technical College of {city}",
            "{city} Polytechnic",
            "Regional Skills Centre {city}",
            "{city} Hospitality Academy",
            "Ministry of Labour Assessment Centre",
            "{city} Construction Company Ltd",
            "Global Care Services",
            "Harbour Logistics {city}",
        ],
        "quals": [
            "Certificate III in {trade}",
            "National Certificate in {trade}",
            "Diploma in {trade}",
            "{trade} NC II",
            "{trade} Level 2",
            "Advanced Diploma of {trade}",
            "Trade Test Certificate: {trade}",
        ],
        "trades": [
            "Electrical Installation",
            "Welding",
            "Commercial Cookery",
            "Aged Care",
            "Automotive Servicing",
            "Plumbing",
            "Carpentry",
            "Housekeeping",
            "Logistics",
            "Refrigeration and Air Conditioning",
            "Information Technology",
            "Early Childhood Education",
            "Masonry",
            "Garment Production",
            "Hairdressing",
            "Heavy Equipment Operation",
        ],
        "desc": [
            "The holder can {verb} {object} safely and to industry standards.",
            "Qualification covering {object}, workplace safety and communication.",
            "Competency-based training in {trade} with {hours} hours of practical work.",
            "Awarded after {hours} hours of training and a workplace assessment.",
        ],
        "criteria": [
            "Passed the written and practical assessment.",
            "Completed all units of competency and {hours} hours of work placement.",
            "Assessed by an accredited assessor at the workplace.",
            "Final examination passed with a score of {score}%.",
        ],
        "verbs": ["install", "maintain", "repair", "operate", "inspect", "prepare", "manage"],
        "objects": [
            "electrical systems",
            "welded structures",
            "kitchen equipment",
            "patient care routines",
            "motor vehicles",
            "plumbing installations",
            "timber structures",
            "hotel rooms",
            "warehouse stock",
            "cooling systems",
        ],
        "roles": [
            "Electrician",
            "Welder",
            "Cook",
            "Caregiver",
            "Mechanic",
            "Plumber",
            "Carpenter",
            "Housekeeper",
            "Warehouse worker",
            "Driver",
            "Nurse assistant",
            "Construction worker",
        ],
        "names": [
            "Maria Santos",
            "John Mwangi",
            "Ana Reyes",
            "Joseph Okafor",
            "Grace Banda",
            "Peter Nguyen",
            "Fatima Rahman",
            "Carlos Mendoza",
            "Rosa Garcia",
            "Samuel Tesfaye",
        ],
        "cities": ["Manila", "Cebu", "Nairobi", "Lagos", "Accra", "Dhaka", "Colombo", "Lusaka"],
    },
    "fr": {
        "issuers": [
            "Institut de Formation Professionnelle de {city}",
            "Office de la Formation Professionnelle et de la Promotion du Travail",
            "Centre de Qualification Professionnelle {city}",
            "Lycée Technique de {city}",
            "Institut Spécialisé de Technologie Appliquée {city}",
            "École Hôtelière de {city}",
            "Société Générale des Travaux de {city}",
        ],
        "quals": [
            "Diplôme de Technicien en {trade}",
            "Certificat d'Aptitude Professionnelle en {trade}",
            "Brevet de Technicien Supérieur {trade}",
            "Diplôme de Qualification en {trade}",
            "Certificat de Spécialisation : {trade}",
        ],
        "trades": [
            "Électricité de Bâtiment",
            "Soudage",
            "Cuisine",
            "Aide-soignant",
            "Mécanique Automobile",
            "Plomberie",
            "Menuiserie",
            "Hôtellerie",
            "Logistique",
            "Froid et Climatisation",
            "Développement Informatique",
            "Maçonnerie",
            "Confection",
            "Coiffure",
        ],
        "desc": [
            "Le titulaire est capable de {verb} {object} dans le respect des normes de sécurité.",
            "Formation qualifiante de {hours} heures en {trade}, dont un stage en entreprise.",
            "Diplôme délivré après une formation théorique et pratique en {trade}.",
        ],
        "criteria": [
            "Examen de fin de formation réussi.",
            "Réussite aux épreuves théoriques et pratiques avec une moyenne de {score}/20.",
            "Évaluation des compétences en situation professionnelle.",
        ],
        "verbs": ["installer", "entretenir", "réparer", "utiliser", "contrôler", "préparer"],
        "objects": [
            "les installations électriques",
            "les assemblages soudés",
            "les équipements de cuisine",
            "les véhicules légers",
            "les réseaux de plomberie",
            "les ouvrages en bois",
            "les systèmes frigorifiques",
        ],
        "roles": [
            "Électricien",
            "Soudeur",
            "Cuisinier",
            "Aide-soignante",
            "Mécanicien",
            "Plombier",
            "Menuisier",
            "Femme de chambre",
            "Magasinier",
            "Chauffeur",
        ],
        "names": [
            "Youssef El Amrani",
            "Fatima Zahra Benali",
            "Mamadou Diallo",
            "Aïcha Traoré",
            "Karim Haddad",
            "Nadia Cherkaoui",
            "Ibrahima Sow",
            "Salma Idrissi",
        ],
        "cities": ["Casablanca", "Rabat", "Fès", "Tanger", "Agadir", "Dakar", "Tunis", "Oran"],
    },
    "es": {
        "issuers": [
            "Instituto de Formación Profesional de {city}",
            "Servicio Nacional de Aprendizaje {city}",
            "Centro Técnico de {city}",
        ],
        "quals": [
            "Técnico en {trade}",
            "Certificado de Profesionalidad: {trade}",
            "Técnico Superior en {trade}",
        ],
        "trades": [
            "Instalaciones Eléctricas",
            "Soldadura",
            "Cocina y Gastronomía",
            "Atención Sociosanitaria",
            "Electromecánica de Vehículos",
            "Fontanería",
            "Carpintería",
        ],
        "desc": [
            "El titular puede {verb} {object} según las normas de seguridad.",
            "Formación de {hours} horas con prácticas en empresa.",
        ],
        "criteria": ["Superó la evaluación teórica y práctica.", "Nota final: {score}/100."],
        "verbs": ["instalar", "mantener", "reparar", "operar"],
        "objects": ["instalaciones eléctricas", "estructuras soldadas", "vehículos"],
        "roles": ["Electricista", "Soldador", "Cocinero", "Cuidadora", "Mecánico"],
        "names": ["José Hernández", "Lucía Martínez", "Andrés Quispe", "María Fernández"],
        "cities": ["Bogotá", "Lima", "Quito", "Guatemala", "Madrid"],
    },
    "pt": {
        "issuers": ["Instituto de Emprego e Formação Profissional {city}", "Escola Técnica {city}"],
        "quals": ["Técnico de {trade}", "Curso de Aprendizagem: {trade}"],
        "trades": ["Eletricidade", "Soldadura", "Cozinha", "Geriatria", "Mecânica Automóvel"],
        "desc": [
            "O titular é capaz de {verb} {object} com segurança.",
            "Formação de {hours} horas.",
        ],
        "criteria": ["Aprovado na prova de avaliação final.", "Classificação final: {score}."],
        "verbs": ["instalar", "manter", "reparar"],
        "objects": ["instalações elétricas", "estruturas metálicas", "veículos"],
        "roles": ["Eletricista", "Soldador", "Cozinheiro", "Auxiliar de geriatria"],
        "names": ["João Tavares", "Ana Lopes", "Nelson Monteiro", "Filomena Gomes"],
        "cities": ["Lisboa", "Praia", "Porto", "Maputo"],
    },
    "tl": {
        "issuers": ["Technical Education and Skills Development Authority {city}"],
        "quals": ["{trade} NC II", "{trade} NC III"],
        "trades": ["Shielded Metal Arc Welding", "Cookery", "Caregiving", "Housekeeping"],
        "desc": ["Sertipiko ng kakayahan sa {trade} ayon sa pamantayan ng industriya."],
        "criteria": ["Pumasa sa pambansang pagtatasa ng kakayahan."],
        "verbs": ["gumawa"],
        "objects": ["mga gawain"],
        "roles": ["Tagaluto", "Tagapag-alaga", "Manghihinang"],
        "names": ["Juan dela Cruz", "Maricel Bautista", "Rodel Villanueva", "Liza Mercado"],
        "cities": ["Davao", "Iloilo", "Baguio", "Tacloban"],
    },
    "id": {
        "issuers": ["Balai Latihan Kerja {city}", "Lembaga Sertifikasi Profesi {city}"],
        "quals": ["Sertifikat Kompetensi {trade}", "Pelatihan {trade} Level II"],
        "trades": ["Pengelasan", "Tata Boga", "Perawatan Lansia", "Otomotif", "Listrik"],
        "desc": ["Pemegang mampu {verb} {object} sesuai standar keselamatan kerja."],
        "criteria": ["Lulus uji kompetensi.", "Nilai akhir {score}."],
        "verbs": ["memasang", "merawat", "memperbaiki"],
        "objects": ["instalasi listrik", "kendaraan", "peralatan dapur"],
        "roles": ["Juru las", "Juru masak", "Perawat lansia", "Montir"],
        "names": ["Siti Aminah", "Budi Santoso", "Dewi Lestari", "Agus Pratama"],
        "cities": ["Surabaya", "Bandung", "Semarang", "Medan"],
    },
    "vi": {
        "issuers": ["Trường Cao đẳng Nghề {city}", "Trung tâm Đào tạo Nghề {city}"],
        "quals": ["Chứng chỉ Sơ cấp {trade}", "Bằng Trung cấp {trade}"],
        "trades": ["Hàn", "Điện dân dụng", "Nấu ăn", "Điều dưỡng", "Cơ khí ô tô"],
        "desc": ["Người học có khả năng {verb} {object} theo tiêu chuẩn an toàn."],
        "criteria": ["Đạt kỳ thi tốt nghiệp.", "Điểm tổng kết {score}/10."],
        "verbs": ["lắp đặt", "bảo dưỡng", "sửa chữa"],
        "objects": ["hệ thống điện", "xe ô tô", "thiết bị nhà bếp"],
        "roles": ["Thợ hàn", "Đầu bếp", "Điều dưỡng viên", "Thợ điện"],
        "names": ["Nguyễn Văn An", "Trần Thị Hoa", "Lê Minh Tuấn", "Phạm Thu Trang"],
        "cities": ["Hà Nội", "Đà Nẵng", "Huế", "Cần Thơ"],
    },
}

SCRIPT_TEXT = {
    "ar": {
        "issuers": [
            "المعهد المتخصص للتكنولوجيا التطبيقية {city}",
            "مكتب التكوين المهني وإنعاش الشغل",
            "مركز التأهيل المهني {city}",
            "المؤسسة العامة للتدريب التقني والمهني",
            "شركة {city} للمقاولات",
            "فندق {city} الدولي",
        ],
        "quals": [
            "دبلوم تقني في {trade}",
            "شهادة التأهيل المهني في {trade}",
            "دبلوم تقني متخصص في {trade}",
            "شهادة الكفاءة المهنية: {trade}",
        ],
        "trades": [
            "الكهرباء",
            "اللحام",
            "الطبخ",
            "التمريض",
            "ميكانيك السيارات",
            "السباكة",
            "النجارة",
            "الفندقة",
            "التبريد والتكييف",
            "البناء",
            "الإعلاميات",
        ],
        "desc": [
            "حامل الشهادة قادر على {verb} {object} وفق معايير السلامة.",
            "تكوين نظري وتطبيقي مدته {hours} ساعة مع تدريب في المقاولة.",
        ],
        "criteria": ["نجح في الامتحان النظري والتطبيقي.", "المعدل النهائي {score}/20."],
        "verbs": ["تركيب", "صيانة", "إصلاح", "تشغيل"],
        "objects": ["التجهيزات الكهربائية", "الهياكل المعدنية", "معدات المطبخ", "المركبات"],
        "roles": ["كهربائي", "لحام", "طباخ", "ممرض", "ميكانيكي", "سائق", "عامل بناء"],
        "names": ["يوسف العمراني", "فاطمة الزهراء بنعلي", "محمد الإدريسي", "خديجة الفاسي"],
        "cities": ["الدار البيضاء", "الرباط", "دبي", "أبوظبي", "الرياض", "عمان"],
    },
    "ru": {
        "issuers": [
            "Колледж технологий и сервиса {city}",
            "Профессиональный лицей № {hours}",
            "Учебный центр профессиональной квалификации {city}",
            "ООО «Стройсервис {city}»",
        ],
        "quals": [
            "Диплом о среднем профессиональном образовании: {trade}",
            "Свидетельство о профессии рабочего: {trade}",
            "Удостоверение о повышении квалификации: {trade}",
        ],
        "trades": [
            "Электромонтажник",
            "Сварщик",
            "Повар",
            "Младшая медицинская сестра",
            "Автомеханик",
            "Сантехник",
            "Плотник",
            "Водитель",
        ],
        "desc": [
            "Выпускник умеет {verb} {object} с соблюдением техники безопасности.",
            "Обучение {hours} часов, включая производственную практику.",
        ],
        "criteria": ["Сдан квалификационный экзамен.", "Итоговая оценка: {score}."],
        "verbs": ["монтировать", "обслуживать", "ремонтировать"],
        "objects": ["электрические сети", "сварные конструкции", "автомобили"],
        "roles": ["Электромонтажник", "Сварщик", "Повар", "Водитель", "Штукатур"],
        "names": ["Алишер Каримов", "Наталья Иванова", "Бахтиёр Рахимов", "Гульнара Садыкова"],
        "cities": ["Ташкент", "Бишкек", "Душанбе", "Алматы", "Москва"],
    },
    "uk": {
        "issuers": ["Вище професійне училище {city}", "Центр професійно-технічної освіти {city}"],
        "quals": ["Диплом кваліфікованого робітника: {trade}", "Свідоцтво про кваліфікацію"],
        "trades": ["Електрогазозварник", "Кухар", "Муляр", "Слюсар з ремонту автомобілів"],
        "desc": ["Випускник здатний {verb} {object} відповідно до вимог охорони праці."],
        "criteria": ["Складено кваліфікаційну атестацію.", "Середній бал {score}."],
        "verbs": ["виконувати", "обслуговувати", "ремонтувати"],
        "objects": ["зварювальні роботи", "кухонне обладнання", "автомобілі"],
        "roles": ["Зварник", "Кухар", "Муляр"],
        "names": ["Олена Коваленко", "Андрій Шевченко", "Ірина Бондаренко"],
        "cities": ["Київ", "Львів", "Харків", "Одеса"],
    },
    "hi": {
        "issuers": [
            "औद्योगिक प्रशिक्षण संस्थान {city}",
            "राष्ट्रीय कौशल विकास निगम",
            "सरकारी पॉलिटेक्निक {city}",
        ],
        "quals": ["राष्ट्रीय व्यावसायिक प्रमाणपत्र: {trade}", "{trade} में डिप्लोमा"],
        "trades": ["इलेक्ट्रीशियन", "वेल्डर", "प्लंबर", "मैकेनिक मोटर वाहन", "नर्सिंग सहायक"],
        "desc": ["प्रमाणपत्र धारक सुरक्षा मानकों के अनुसार {object} का {verb} कर सकता है।"],
        "criteria": ["अखिल भारतीय व्यापार परीक्षा उत्तीर्ण।", "कुल अंक {score}%।"],
        "verbs": ["स्थापना", "रखरखाव", "मरम्मत"],
        "objects": ["विद्युत उपकरणों", "वाहनों", "पाइपलाइन"],
        "roles": ["इलेक्ट्रीशियन", "वेल्डर", "रसोइया", "ड्राइवर"],
        "names": ["राजेश कुमार", "सुनीता देवी", "अमित शर्मा", "पूजा यादव"],
        "cities": ["दिल्ली", "पटना", "लखनऊ", "जयपुर"],
    },
    "ne": {
        "issuers": ["प्राविधिक शिक्षा तथा व्यावसायिक तालिम परिषद्", "राष्ट्रिय सीप परीक्षण समिति"],
        "quals": ["सीप परीक्षण प्रमाणपत्र तह {score}: {trade}"],
        "trades": ["विद्युत कामदार", "वेल्डर", "भान्से", "निर्माण कामदार"],
        "desc": ["प्रमाणपत्र धारकले सुरक्षित रूपमा {object} {verb} गर्न सक्छ।"],
        "criteria": ["सीप परीक्षणमा उत्तीर्ण।"],
        "verbs": ["जडान", "मर्मत"],
        "objects": ["विद्युत उपकरण", "भवन"],
        "roles": ["भान्से", "वेल्डर", "मिस्त्री"],
        "names": ["राम बहादुर थापा", "सीता गुरुङ", "हरि प्रसाद श्रेष्ठ"],
        "cities": ["काठमाडौं", "पोखरा", "विराटनगर"],
    },
    "bn": {
        "issuers": ["কারিগরি প্রশিক্ষণ কেন্দ্র {city}", "বাংলাদেশ কারিগরি শিক্ষা বোর্ড"],
        "quals": ["জাতীয় দক্ষতা সনদ: {trade}"],
        "trades": ["ইলেকট্রিশিয়ান", "ওয়েল্ডার", "রাঁধুনি", "নির্মাণ শ্রমিক"],
        "desc": ["সনদধারী নিরাপত্তা মান অনুযায়ী {object} {verb} করতে পারেন।"],
        "criteria": ["দক্ষতা মূল্যায়নে উত্তীর্ণ।"],
        "verbs": ["স্থাপন", "মেরামত"],
        "objects": ["বৈদ্যুতিক সরঞ্জাম", "যানবাহন"],
        "roles": ["ইলেকট্রিশিয়ান", "রাঁধুনি"],
        "names": ["মোহাম্মদ রহিম", "আয়েশা খাতুন", "কামাল হোসেন"],
        "cities": ["ঢাকা", "চট্টগ্রাম", "সিলেট"],
    },
}

# Which languages a country's credentials mix (a main language, sometimes a second script).
PAIRS = [
    ("en", None),
    ("en", None),
    ("fr", None),
    ("es", None),
    ("pt", None),
    ("tl", "en"),
    ("id", None),
    ("vi", None),
    ("fr", "ar"),
    ("fr", "ar"),
    ("en", "ar"),
    ("en", "ar"),
    ("ar", None),
    ("ru", None),
    ("ru", "en"),
    ("uk", "en"),
    ("hi", "en"),
    ("hi", "en"),
    ("ne", "en"),
    ("bn", "en"),
]
FRAMEWORKS = [
    "PH-PQF",
    "MA-CNC",
    "AE-QFE",
    "SA-SAQF",
    "IN-NSQF",
    "KE-KNQF",
    "ZA-NQF",
    "VN-VQF",
    "ID-KKNI",
    "FR-RNCP",
    "DE-DQR",
    "AU-AQF",
    "TN-CNQ",
    "MY-MQF",
    "TH-TQF",
    "KH-CQF",
]
ISCED = [
    ("0713", "Electricity and energy"),
    ("0715", "Mechanics and metal trades"),
    ("0716", "Motor vehicles, ships and aircraft"),
    ("1013", "Hotel, restaurants and catering"),
    ("0913", "Nursing and midwifery"),
    ("0922", "Child care and youth services"),
    ("0732", "Building and civil engineering"),
    ("1041", "Transport services"),
    ("0811", "Crop and livestock production"),
    ("0723", "Textiles (clothes, footwear and leather)"),
    ("1012", "Hair and beauty services"),
    ("0612", "Database and network design and administration"),
]
LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("ar", "Arabic"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("it", "Italian"),
    ("es", "Spanish"),
]


def _all_text(lang: str) -> dict[str, list[str]]:
    return LATIN_TEXT.get(lang) or SCRIPT_TEXT[lang]


class Corpus:
    """Deterministic random credentials from the vocabulary."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.keys = [KeyPair.from_seed(bytes([i]) * 32) for i in range(1, 9)]

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def fill(self, template: str, lang: str) -> str:
        t = _all_text(lang)
        return template.format(
            city=self.pick(t["cities"]),
            trade=self.pick(t["trades"]),
            verb=self.pick(t["verbs"]),
            object=self.pick(t["objects"]),
            hours=self.rng.choice([120, 240, 360, 480, 960, 1200, 1800]),
            score=self.rng.randint(10, 99),
        )

    def text(self, field: str, main: str, second: str | None, sep: str = " / ") -> str:
        first = self.fill(self.pick(_all_text(main)[field]), main)
        if second is None or self.rng.random() < 0.3:
            return first
        return first + sep + self.fill(self.pick(_all_text(second)[field]), second)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def credential(self) -> dict[str, Any]:
        rng = self.rng
        main, second = rng.choice(PAIRS)
        key = rng.choice(self.keys)
        country = {"fr": "MA", "ar": "AE", "ru": "UZ", "uk": "UA", "hi": "IN", "ne": "NP"}
        issuer: dict[str, Any] = {
            "id": key.did
            if rng.random() < 0.5
            else f"did:web:{self.pick(['www.', ''])}{rng.choice(['ofppt', 'tesda', 'itc', 'nsdc', 'cqp', 'blk'])}"  # noqa: E501
            f"{rng.randint(1, 99)}.example.{rng.choice(['ma', 'ph', 'ae', 'in', 'np', 'org'])}",
            "name": self.text("issuers", main, second, " - "),
        }
        if rng.random() < 0.4:
            issuer["url"] = f"https://www.example-{rng.randint(1, 999)}.org"
        if rng.random() < 0.5:
            issuer["country_code"] = country.get(main, rng.choice(["PH", "KE", "VN", "ID"]))
        holder: dict[str, Any] = {"name": self.pick(_all_text(main)["names"])}
        if rng.random() < 0.85:
            holder["passport"] = {
                "number": f"{chr(65 + rng.randint(0, 25))}{rng.randint(1000000, 99999999)}"
            }
        if rng.random() < 0.15:
            holder["id"] = rng.choice(self.keys).did
        start = datetime(2018, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 3000))
        common: dict[str, Any] = {
            "issuer": issuer,
            "holder": holder,
            "description": self.text("desc", main, second),
            "valid_from": start,
        }
        if rng.random() < 0.6:
            common["valid_until"] = start + timedelta(days=365 * rng.randint(2, 10) - 1)
        if rng.random() < 0.5:
            common["in_language"] = main
        if rng.random() < 0.5:
            common["achievement_id"] = (
                f"https://{rng.choice(['www.', ''])}example-{rng.randint(1, 99)}.org/"
                f"{rng.choice(['qualifications', 'programmes', 'courses'])}/{rng.randint(1, 9999)}"
            )
        skills = [
            {"uri": f"http://data.europa.eu/esco/skill/{self.uuid()}", "name": name}
            for name in rng.sample(SKILLS_EN, rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 10, 12]))
        ]
        kind = rng.random()
        options: dict[str, Any] = {
            "new_id": lambda: f"urn:uuid:{self.uuid()}",
            "new_salt": lambda: base64.urlsafe_b64encode(self.rng.randbytes(12)).decode(),
        }
        if rng.random() < 0.7:
            base = f"https://{rng.choice(['status', 'vc', 'creds'])}.example-{rng.randint(1, 99)}.org/status/{rng.randint(1, 40)}"  # noqa: E501
            index = str(rng.randint(0, 131071))
            options["credential_status"] = {
                "id": f"{base}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": rng.choice(["revocation", "revocation", "suspension"]),
                "statusListIndex": index,
                "statusListCredential": base,
            }
        if kind < 0.55:
            framework = rng.choice(FRAMEWORKS)
            levels = [{"framework": framework, "level": str(rng.randint(1, 6))}]
            if rng.random() < 0.5:
                levels[0]["name"] = self.text("quals", main, None)[:60]
            if rng.random() < 0.4:
                levels.append({"framework": "EQF", "level": str(rng.randint(2, 6))})
            code, field = rng.choice(ISCED)
            data: dict[str, Any] = {
                **common,
                "name": self.text("quals", main, second),
                "achievement_type": rng.choice(
                    ["Certificate", "Diploma", "Certification", "ApprenticeshipCertificate"]
                ),
                "criteria": self.text("criteria", main, second),
                "levels": levels,
                "skills": skills,
                "completed_on": (start - timedelta(days=rng.randint(1, 60))).date(),
            }
            if rng.random() < 0.7:
                data["field_of_study"] = {"code": code, "name": field}
            if rng.random() < 0.2:
                data["learning_outcomes"] = [
                    self.text("desc", main, None) for _ in range(rng.randint(1, 3))
                ]
            doc = cr.build_qualification(data, **options)
        elif kind < 0.75:
            end = start - timedelta(days=rng.randint(0, 30))
            data = {
                **common,
                "role": self.text("roles", main, second),
                "start_date": (end - timedelta(days=rng.randint(90, 3000))).date(),
                "skills_used": skills[:6],
            }
            if rng.random() < 0.7:
                data["end_date"] = end.date()
            if rng.random() < 0.3:
                data["criteria"] = self.text("criteria", main, second)
            doc = cr.build_work_experience(data, **options)
        elif kind < 0.9:
            skill = (
                skills[0]
                if skills
                else {
                    "uri": f"http://data.europa.eu/esco/skill/{self.uuid()}",
                    "name": self.pick(SKILLS_EN),
                }
            )
            data = {**common, "skill": skill, "criteria": self.text("criteria", main, second)}
            if rng.random() < 0.3:
                data["levels"] = [{"framework": rng.choice(FRAMEWORKS), "level": "2"}]
            doc = cr.build_skill(data, **options)
        else:
            code, name = rng.choice(LANGUAGES)
            data = {
                **common,
                "language": code,
                "language_name": name,
                "cefr_level": rng.choice(["A1", "A2", "B1", "B2", "C1"]),
                "criteria": self.text("criteria", main, second),
                "assessed_on": start.date(),
            }
            doc = cr.build_language_proficiency(data, **options)
        if isinstance(doc["issuer"]["id"], str) and doc["issuer"]["id"].startswith("did:key:"):
            signer = next(k for k in self.keys if k.did == doc["issuer"]["id"])
        else:
            signer = key
        suite = "eddsa-rdfc-2022" if rng.random() < 0.7 else "eddsa-jcs-2022"
        # A fixed signing time (not the clock) keeps the corpus, and so the dictionary, the
        # same on every run.
        created = start + timedelta(hours=rng.randint(1, 72))
        return sign_credential(
            doc,
            signer,
            cryptosuite=suite,
            created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            verification_method=f"{doc['issuer']['id']}#key-1"
            if doc["issuer"]["id"].startswith("did:web:")
            else None,
        )


def sample(doc: dict[str, Any]) -> bytes:
    """What zstd compresses for ``doc``: its SP2 compact CBOR body."""
    return _cbor.dumps(_codec._externalize(_codec._to_tree(doc, 0, _codec.SP2), {}))


def train(seed: int = SEED, samples: int = SAMPLES, size: int = DICT_SIZE) -> bytes:
    corpus = Corpus(seed)
    bodies = [sample(corpus.credential()) for _ in range(samples)]
    return pyzstd.train_dict(bodies, size).dict_content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--size", type=int, default=DICT_SIZE)
    parser.add_argument("--write", action="store_true", help="write skillpass/qr/data/")
    args = parser.parse_args()
    data = train(args.seed, args.samples, args.size)
    digest = hashlib.sha256(data).hexdigest()
    print(f"dictionary: {len(data)} bytes, SHA-256 {digest}")
    if args.write:
        out = ROOT / "skillpass" / "qr" / "data" / _codec.SP2_DICTIONARY_FILE
        out.write_bytes(data)
        print(f"written to {out.relative_to(ROOT)}; set SP2_DICTIONARY_SHA256 in _codec.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
