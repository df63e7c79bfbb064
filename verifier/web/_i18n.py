"""The verification page's words in English, French, Spanish and Arabic, and which to use."""

from __future__ import annotations

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
RTL = frozenset({"ar"})
DEFAULT = "en"

# One entry per phrase, four languages each (tests check every key the templates use exists).
_T: dict[str, tuple[str, str, str, str]] = {
    # (en, fr, es, ar)
    "title": (
        "Verify a skills credential",
        "Vérifier une attestation de compétences",
        "Verificar una credencial de competencias",
        "التحقق من شهادة مهارات",
    ),
    "intro": (
        "Checks the credential on this computer: nothing is sent anywhere.",
        "L'attestation est vérifiée sur cet ordinateur : rien n'est envoyé ailleurs.",
        "La credencial se verifica en este ordenador: no se envía nada a ningún sitio.",
        "يتم التحقق من الشهادة على هذا الحاسوب: لا يُرسل أي شيء إلى أي مكان.",
    ),
    "language": ("Language", "Langue", "Idioma", "اللغة"),
    "my_framework": (
        "My qualifications framework",
        "Mon cadre de certifications",
        "Mi marco de cualificaciones",
        "إطار المؤهلات الخاص بي",
    ),
    "no_framework": ("(none)", "(aucun)", "(ninguno)", "(لا شيء)"),
    "upload": (
        "Photo or scan of a QR code (PNG, JPEG), certificate PDF or credential JSON file "
        "(or drop it on the form)",
        "Photo ou scan d'un code QR (PNG, JPEG), certificat PDF ou fichier JSON "
        "(ou déposez-le sur le formulaire)",
        "Foto o escaneo de un código QR (PNG, JPEG), certificado PDF o archivo JSON "
        "(o suéltelo sobre el formulario)",
        "صورة أو مسح لرمز QR ‏(PNG، JPEG)، أو شهادة PDF، أو ملف JSON (أو أفلته على النموذج)",
    ),
    "paste": (
        "Or paste the QR text (SP2:…) or the credential / presentation JSON",
        "Ou collez le texte du QR (SP2:…) ou le JSON de l'attestation / présentation",
        "O pegue el texto del QR (SP2:…) o el JSON de la credencial / presentación",
        "أو الصق نص رمز QR ‏(SP2:…) أو JSON الشهادة / العرض",
    ),
    "id_number": (
        "Passport or ID number (optional, checked against the credential)",
        "Numéro de passeport ou d'identité (facultatif, comparé à l'attestation)",
        "Número de pasaporte o documento (opcional, se compara con la credencial)",
        "رقم جواز السفر أو الهوية (اختياري، يُقارن بالشهادة)",
    ),
    "verify": ("Verify", "Vérifier", "Verificar", "تحقق"),
    "check_again": (
        "Check again with this number / framework",
        "Vérifier à nouveau avec ce numéro / ce cadre",
        "Verificar de nuevo con este número / marco",
        "تحقق مجددًا بهذا الرقم / الإطار",
    ),
    "camera": (
        "Scan with the camera",
        "Scanner avec la caméra",
        "Escanear con la cámara",
        "امسح بالكاميرا",
    ),
    "camera_stop": ("Stop the camera", "Arrêter la caméra", "Detener la cámara", "أوقف الكاميرا"),
    "camera_none": (
        "No camera is available to this page.",
        "Aucune caméra n'est disponible pour cette page.",
        "No hay ninguna cámara disponible para esta página.",
        "لا تتوفر كاميرا لهذه الصفحة.",
    ),
    "banner_valid": ("VALID", "VALIDE", "VÁLIDA", "صالحة"),
    "banner_invalid": ("INVALID", "NON VALIDE", "NO VÁLIDA", "غير صالحة"),
    "banner_unknown": ("UNKNOWN", "INCONNU", "DESCONOCIDO", "غير معروف"),
    "why_proof_not_checked": (
        "The signature was NOT checked: nothing on this page is vouched for by the issuer.",
        "La signature n'a PAS été vérifiée : rien sur cette page n'est garanti par l'émetteur.",
        "La firma NO se ha comprobado: nada en esta página está avalado por el emisor.",
        "لم يتم التحقق من التوقيع: لا شيء في هذه الصفحة مضمون من الجهة المُصدِرة.",
    ),
    "why_issuer_not_trusted": (
        "The signature is good, but the issuer is not in a trusted registry.",
        "La signature est bonne, mais l'émetteur ne figure pas dans un registre de confiance.",
        "La firma es correcta, pero el emisor no figura en un registro de confianza.",
        "التوقيع سليم، لكن الجهة المُصدِرة غير مدرجة في سجل موثوق.",
    ),
    "why_status_unknown": (
        "The signature and issuer are good, but revocation could not be checked.",
        "La signature et l'émetteur sont bons, mais la révocation n'a pas pu être vérifiée.",
        "La firma y el emisor son correctos, pero no se pudo comprobar la revocación.",
        "التوقيع والجهة المُصدِرة سليمان، لكن تعذّر التحقق من الإلغاء.",
    ),
    "why_unknown": (
        "Some checks could not be made (see below).",
        "Certaines vérifications n'ont pas pu être faites (voir ci-dessous).",
        "Algunas comprobaciones no se pudieron hacer (ver abajo).",
        "تعذّر إجراء بعض الفحوص (انظر أدناه).",
    ),
    "why_valid": (
        "Signed by the issuer, issuer trusted, in force and not revoked.",
        "Signée par l'émetteur, émetteur de confiance, en vigueur et non révoquée.",
        "Firmada por el emisor, emisor de confianza, vigente y no revocada.",
        "موقّعة من الجهة المُصدِرة، جهة موثوقة، سارية وغير ملغاة.",
    ),
    "holder": ("Holder", "Titulaire", "Titular", "حامل الشهادة"),
    "qualification": ("Qualification", "Qualification", "Cualificación", "المؤهل"),
    "issuer": ("Issuer", "Émetteur", "Emisor", "الجهة المُصدِرة"),
    "registry_name": (
        "name from the trust registry",
        "nom tiré du registre de confiance",
        "nombre según el registro de confianza",
        "الاسم من سجل الثقة",
    ),
    "self_asserted": (
        "name given by the issuer itself, not from a registry",
        "nom donné par l'émetteur lui-même, pas par un registre",
        "nombre dado por el propio emisor, no por un registro",
        "اسم ذكرته الجهة نفسها، وليس من سجل",
    ),
    "identity": (
        "Identity check",
        "Contrôle d'identité",
        "Control de identidad",
        "التحقق من الهوية",
    ),
    "identity_match": (
        "The number MATCHES the credential's passport / ID number.",
        "Le numéro CORRESPOND au numéro de passeport / d'identité de l'attestation.",
        "El número COINCIDE con el pasaporte / documento de la credencial.",
        "الرقم يطابق رقم جواز السفر / الهوية في الشهادة.",
    ),
    "identity_no_match": (
        "The number does NOT match the credential's passport / ID number.",
        "Le numéro NE correspond PAS au numéro de passeport / d'identité de l'attestation.",
        "El número NO coincide con el pasaporte / documento de la credencial.",
        "الرقم لا يطابق رقم جواز السفر / الهوية في الشهادة.",
    ),
    "identity_not_present": (
        "The credential binds no passport or ID number.",
        "L'attestation ne contient aucun numéro de passeport ou d'identité.",
        "La credencial no contiene ningún número de pasaporte o documento.",
        "لا تتضمن الشهادة رقم جواز سفر أو هوية.",
    ),
    "identity_not_checked": (
        "Not checked: the credential did not verify.",
        "Non vérifié : l'attestation n'a pas été validée.",
        "No comprobado: la credencial no se verificó.",
        "لم يُفحص: لم يتم التحقق من الشهادة.",
    ),
    "identity_hint": (
        "Type the passport number above and check again; it is compared with the "
        "credential's salted hash on this computer.",
        "Saisissez le numéro de passeport ci-dessus et vérifiez à nouveau ; il est comparé à "
        "l'empreinte salée de l'attestation sur cet ordinateur.",
        "Escriba el número de pasaporte arriba y verifique de nuevo; se compara con el hash "
        "con sal de la credencial en este ordenador.",
        "اكتب رقم جواز السفر أعلاه وتحقق مجددًا؛ "
        "تتم مقارنته بالبصمة المملّحة للشهادة على هذا الحاسوب.",
    ),
    "levels": ("Levels", "Niveaux", "Niveles", "المستويات"),
    "comparison": (
        "Comparable level in",
        "Niveau comparable dans",
        "Nivel comparable en",
        "المستوى المقابل في",
    ),
    "path": ("Path", "Chemin", "Ruta", "المسار"),
    "confidence": ("Confidence", "Confiance", "Confianza", "درجة الثقة"),
    "sources": ("Sources", "Sources", "Fuentes", "المصادر"),
    "no_route": (
        "no comparable level",
        "aucun niveau comparable",
        "ningún nivel comparable",
        "لا يوجد مستوى مقابل",
    ),
    "status": ("Revocation status", "Statut de révocation", "Estado de revocación", "حالة الإلغاء"),
    "bundle_age": (
        "Trust bundle from {when} ({days} days old)",
        "Paquet de confiance du {when} (âgé de {days} jours)",
        "Paquete de confianza del {when} (de hace {days} días)",
        "حزمة الثقة بتاريخ {when} (عمرها {days} يوم)",
    ),
    "bundle_age_one": (
        "Trust bundle from {when} (1 day old)",
        "Paquet de confiance du {when} (âgé d'un jour)",
        "Paquete de confianza del {when} (de hace 1 día)",
        "حزمة الثقة بتاريخ {when} (عمرها يوم واحد)",
    ),
    "bundle_expired": (
        "This trust bundle expired on {when}: sync it while online.",
        "Ce paquet de confiance a expiré le {when} : synchronisez-le en ligne.",
        "Este paquete de confianza caducó el {when}: sincronícelo con conexión.",
        "انتهت صلاحية حزمة الثقة هذه في {when}: زامنها عند الاتصال بالإنترنت.",
    ),
    "no_bundle": (
        "No trust bundle is loaded: only the issuers and status lists configured on this app "
        "count.",
        "Aucun paquet de confiance n'est chargé : seuls les émetteurs et listes configurés ici "
        "comptent.",
        "No hay ningún paquete de confianza cargado: solo cuentan los emisores y listas "
        "configurados aquí.",
        "لا توجد حزمة ثقة محمّلة: تُعتمد فقط الجهات وقوائم الحالة المهيأة في هذا التطبيق.",
    ),
    "checks": (
        "Every check",
        "Toutes les vérifications",
        "Todas las comprobaciones",
        "جميع الفحوص",
    ),
    "check": ("Check", "Vérification", "Comprobación", "الفحص"),
    "result": ("Result", "Résultat", "Resultado", "النتيجة"),
    "reason": ("Reason", "Raison", "Motivo", "السبب"),
    "check_format": ("Format", "Format", "Formato", "الصيغة"),
    "check_proof": ("Signature", "Signature", "Firma", "التوقيع"),
    "check_issuer": ("Issuer", "Émetteur", "Emisor", "الجهة المُصدِرة"),
    "check_validity": ("Dates", "Dates", "Fechas", "التواريخ"),
    "check_status": ("Revocation", "Révocation", "Revocación", "الإلغاء"),
    "check_holder": ("Holder", "Titulaire", "Titular", "الحامل"),
    "st_valid": ("passed", "réussie", "correcta", "ناجح"),
    "st_invalid": ("failed", "échouée", "fallida", "فاشل"),
    "st_unknown": ("not checked", "non vérifiée", "no comprobada", "لم يُفحص"),
    "error": (
        "This input could not be read",
        "Cette entrée n'a pas pu être lue",
        "No se pudo leer esta entrada",
        "تعذّرت قراءة هذا المدخل",
    ),
    "nothing_given": (
        "Give a file, QR text or JSON to verify.",
        "Donnez un fichier, un texte QR ou un JSON à vérifier.",
        "Indique un archivo, un texto QR o un JSON para verificar.",
        "أدخل ملفًا أو نص QR أو JSON للتحقق منه.",
    ),
    "presentation": (
        "Presentation with {n} credential(s)",
        "Présentation contenant {n} attestation(s)",
        "Presentación con {n} credencial(es)",
        "عرض يحتوي على {n} شهادة",
    ),
    "caveat": (
        "Indicative comparison of levels, not recognition of the qualification.",
        "Comparaison indicative des niveaux, pas une reconnaissance de la qualification.",
        "Comparación indicativa de niveles, no reconocimiento de la cualificación.",
        "مقارنة إرشادية للمستويات، وليست اعترافًا بالمؤهل.",
    ),
    "valid_until": ("Valid until", "Valable jusqu'au", "Válida hasta", "صالحة حتى"),
}

# Plain words for the codes a verifier meets most; the core's own sentence is shown beside them.
_CODES: dict[str, tuple[str, str, str, str]] = {
    "ok": ("all good", "tout est correct", "todo correcto", "كل شيء سليم"),
    "invalid_signature": (
        "the signature does not match: the credential was changed after it was signed",
        "la signature ne correspond pas : l'attestation a été modifiée après sa signature",
        "la firma no coincide: la credencial se modificó después de firmarse",
        "التوقيع غير مطابق: عُدّلت الشهادة بعد توقيعها",
    ),
    "revoked": (
        "the issuer has revoked this credential",
        "l'émetteur a révoqué cette attestation",
        "el emisor ha revocado esta credencial",
        "ألغت الجهة المُصدِرة هذه الشهادة",
    ),
    "suspended": (
        "the issuer has suspended this credential",
        "l'émetteur a suspendu cette attestation",
        "el emisor ha suspendido esta credencial",
        "علّقت الجهة المُصدِرة هذه الشهادة",
    ),
    "issuer_not_trusted": (
        "the issuer is not in the trusted registry",
        "l'émetteur ne figure pas dans le registre de confiance",
        "el emisor no figura en el registro de confianza",
        "الجهة المُصدِرة غير مدرجة في سجل الثقة",
    ),
    "no_trust_configuration": (
        "no trusted registry is configured, so the issuer cannot be confirmed",
        "aucun registre de confiance n'est configuré : l'émetteur ne peut être confirmé",
        "no hay registro de confianza configurado: no se puede confirmar el emisor",
        "لا يوجد سجل ثقة مهيأ، لذا لا يمكن تأكيد الجهة المُصدِرة",
    ),
    "status_not_checked": (
        "no revocation list is available offline",
        "aucune liste de révocation n'est disponible hors ligne",
        "no hay lista de revocación disponible sin conexión",
        "لا تتوفر قائمة إلغاء دون اتصال",
    ),
    "expired": (
        "the credential has expired",
        "l'attestation a expiré",
        "la credencial ha caducado",
        "انتهت صلاحية الشهادة",
    ),
    "not_yet_valid": (
        "the credential is not valid yet",
        "l'attestation n'est pas encore valable",
        "la credencial aún no es válida",
        "الشهادة ليست سارية بعد",
    ),
    "did_not_found": (
        "the issuer's keys are not known on this computer, so the signature could not be checked",
        "les clés de l'émetteur sont inconnues sur cet ordinateur : la signature n'a pu "
        "être vérifiée",
        "las claves del emisor no se conocen en este ordenador: no se pudo comprobar la firma",
        "مفاتيح الجهة المُصدِرة غير معروفة على هذا الحاسوب، لذا تعذّر التحقق من التوقيع",
    ),
}

_INDEX = {code: n for n, code in enumerate(LANGUAGES)}


def negotiate(query: str | None, remembered: str | None, accept_language: str | None) -> str:
    """The interface language: ``?lang=``, else the session's, else the browser's, else English."""
    for wanted in (query, remembered):
        if wanted and wanted.lower() in LANGUAGES:
            return wanted.lower()
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept_language or "").split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, n, primary))
    return min(ranked)[2] if ranked else DEFAULT


def translate(lang: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``lang`` (English if the catalog lacks it)."""
    text = _T[key][_INDEX.get(lang, 0)]
    return text.format(**values) if values else text


def plain_code(lang: str, code: str) -> str | None:
    """Plain words for a check code, or None when the catalog has none (the core's message then
    speaks alone)."""
    words = _CODES.get(code)
    return words[_INDEX.get(lang, 0)] if words else None
