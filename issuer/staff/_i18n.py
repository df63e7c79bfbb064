"""The staff pages' words in English, French, Spanish and Arabic, and which to use."""

from __future__ import annotations

# The verification page's languages and its choice of one (``?lang=``, the session, the
# browser's Accept-Language): the staff pages speak the same four.
from verifier.web import LANGUAGES, RTL
from verifier.web import negotiate_language as negotiate

__all__ = ["LANGUAGES", "RTL", "negotiate", "translate"]

_T: dict[str, tuple[str, str, str, str]] = {
    # (en, fr, es, ar)
    "title": (
        "Institute staff",
        "Personnel de l'établissement",
        "Personal del centro",
        "موظفو المعهد",
    ),
    "language": ("Language", "Langue", "Idioma", "اللغة"),
    "sign_in": ("Sign in", "Se connecter", "Iniciar sesión", "تسجيل الدخول"),
    "sign_out": ("Sign out", "Se déconnecter", "Cerrar sesión", "تسجيل الخروج"),
    "api_key": (
        "The institute's API key",
        "La clé d'API de l'établissement",
        "La clave de API del centro",
        "مفتاح API الخاص بالمعهد",
    ),
    "signed_in_as": ("Signed in for", "Connecté pour", "Sesión iniciada para", "مسجّل الدخول لـ"),
    "nav_issued": (
        "Issued credentials",
        "Attestations émises",
        "Credenciales emitidas",
        "الشهادات الصادرة",
    ),
    "nav_issue": ("Issue one", "En émettre une", "Emitir una", "إصدار شهادة"),
    "nav_cohort": (
        "Issue a cohort (CSV)",
        "Émettre une promotion (CSV)",
        "Emitir una promoción (CSV)",
        "إصدار دفعة (CSV)",
    ),
    "search": (
        "Search (name, qualification, id)",
        "Rechercher (nom, qualification, id)",
        "Buscar (nombre, cualificación, id)",
        "بحث (الاسم، المؤهل، المعرّف)",
    ),
    "search_button": ("Search", "Rechercher", "Buscar", "بحث"),
    "holder": ("Holder", "Titulaire", "Titular", "الحامل"),
    "qualification": ("Qualification", "Qualification", "Cualificación", "المؤهل"),
    "issued_on": ("Issued", "Émise le", "Emitida", "تاريخ الإصدار"),
    "status": ("Status", "Statut", "Estado", "الحالة"),
    "active": ("active", "active", "activa", "سارية"),
    "revoked": ("revoked", "révoquée", "revocada", "ملغاة"),
    "suspended": ("suspended", "suspendue", "suspendida", "معلّقة"),
    "open": ("Open", "Ouvrir", "Abrir", "فتح"),
    "none_yet": (
        "Nothing issued yet.",
        "Rien n'a encore été émis.",
        "Aún no se ha emitido nada.",
        "لم يصدر شيء بعد.",
    ),
    "total": ("{n} credential(s)", "{n} attestation(s)", "{n} credencial(es)", "{n} شهادة"),
    "previous": ("Previous", "Précédent", "Anterior", "السابق"),
    "next": ("Next", "Suivant", "Siguiente", "التالي"),
    "holder_name": (
        "Holder's name (as on the passport)",
        "Nom du titulaire (comme sur le passeport)",
        "Nombre del titular (como en el pasaporte)",
        "اسم الحامل (كما في جواز السفر)",
    ),
    "passport_number": (
        "Passport number (stored only as a salted hash)",
        "Numéro de passeport (conservé seulement sous forme d'empreinte salée)",
        "Número de pasaporte (solo se guarda como hash con sal)",
        "رقم جواز السفر (يُحفظ كبصمة مملّحة فقط)",
    ),
    "holder_id": (
        "Holder's wallet DID (optional)",
        "DID du portefeuille du titulaire (facultatif)",
        "DID de la billetera del titular (opcional)",
        "معرّف DID لمحفظة الحامل (اختياري)",
    ),
    "qualification_name": (
        "Qualification name",
        "Intitulé de la qualification",
        "Nombre de la cualificación",
        "اسم المؤهل",
    ),
    "achievement_type": ("Kind", "Type", "Tipo", "النوع"),
    "description": ("Description", "Description", "Descripción", "الوصف"),
    "criteria": (
        "How it was earned",
        "Comment elle a été obtenue",
        "Cómo se obtuvo",
        "كيف تم الحصول عليه",
    ),
    "field_of_study_code": (
        "ISCED-F field code (e.g. 0715)",
        "Code de domaine CITE-F (ex. 0715)",
        "Código de campo CINE-F (p. ej. 0715)",
        "رمز المجال ISCED-F (مثل 0715)",
    ),
    "field_of_study_name": (
        "ISCED-F field name",
        "Intitulé du domaine CITE-F",
        "Nombre del campo CINE-F",
        "اسم المجال ISCED-F",
    ),
    "skills": (
        "ESCO skills (URI|name; separated by ;)",
        "Compétences ESCO (URI|nom ; séparées par ;)",
        "Competencias ESCO (URI|nombre; separadas por ;)",
        "مهارات ESCO (URI|الاسم؛ مفصولة بـ ;)",
    ),
    "levels_short": ("Levels", "Niveaux", "Niveles", "المستويات"),
    "levels": (
        "Levels (FRAMEWORK:LEVEL; e.g. PH-PQF:2;EQF:3)",
        "Niveaux (CADRE:NIVEAU ; ex. PH-PQF:2;EQF:3)",
        "Niveles (MARCO:NIVEL; p. ej. PH-PQF:2;EQF:3)",
        "المستويات (الإطار:المستوى؛ مثل PH-PQF:2;EQF:3)",
    ),
    "awarded_on": (
        "Awarded on (YYYY-MM-DD)",
        "Délivrée le (AAAA-MM-JJ)",
        "Otorgada el (AAAA-MM-DD)",
        "تاريخ المنح (YYYY-MM-DD)",
    ),
    "valid_until": (
        "Valid until (YYYY-MM-DD, optional)",
        "Valable jusqu'au (AAAA-MM-JJ, facultatif)",
        "Válida hasta (AAAA-MM-DD, opcional)",
        "صالحة حتى (YYYY-MM-DD، اختياري)",
    ),
    "suspension": (
        "Can be suspended (not only revoked)",
        "Peut être suspendue (pas seulement révoquée)",
        "Puede suspenderse (no solo revocarse)",
        "قابلة للتعليق (وليس الإلغاء فقط)",
    ),
    "issue": ("Issue", "Émettre", "Emitir", "إصدار"),
    "csv_file": (
        "Cohort CSV file (one graduate per row)",
        "Fichier CSV de la promotion (un diplômé par ligne)",
        "Archivo CSV de la promoción (un titulado por fila)",
        "ملف CSV للدفعة (خريج في كل صف)",
    ),
    "csv_help": (
        "Columns: {columns}",
        "Colonnes : {columns}",
        "Columnas: {columns}",
        "الأعمدة: {columns}",
    ),
    "preview": ("Preview", "Aperçu", "Vista previa", "معاينة"),
    "preview_title": (
        "Preview: nothing is issued yet",
        "Aperçu : rien n'est encore émis",
        "Vista previa: aún no se ha emitido nada",
        "معاينة: لم يصدر شيء بعد",
    ),
    "line": ("CSV line", "Ligne CSV", "Línea CSV", "سطر CSV"),
    "row_ok": ("ready", "prête", "lista", "جاهز"),
    "row_error": ("error", "erreur", "error", "خطأ"),
    "fix_errors": (
        "{n} row(s) have errors. Correct the file and upload it again: nothing was issued.",
        "{n} ligne(s) comportent des erreurs. Corrigez le fichier et envoyez-le à nouveau : rien n'a été émis.",
        "{n} fila(s) tienen errores. Corrija el archivo y súbalo de nuevo: no se ha emitido nada.",
        "يوجد خطأ في {n} صف. صحّح الملف وارفعه مجددًا: لم يصدر شيء.",
    ),
    "issue_n": (
        "Issue these {n} credentials",
        "Émettre ces {n} attestations",
        "Emitir estas {n} credenciales",
        "إصدار هذه الشهادات ({n})",
    ),
    "issued_n": (
        "{n} credential(s) issued.",
        "{n} attestation(s) émise(s).",
        "{n} credencial(es) emitida(s).",
        "صدرت {n} شهادة.",
    ),
    "certificate": ("Certificate (PDF)", "Certificat (PDF)", "Certificado (PDF)", "الشهادة (PDF)"),
    "certificates_zip": (
        "All certificates (ZIP)",
        "Tous les certificats (ZIP)",
        "Todos los certificados (ZIP)",
        "كل الشهادات (ZIP)",
    ),
    "offer": (
        "Credential offer QR for the worker's wallet",
        "QR d'offre pour le portefeuille du travailleur",
        "QR de oferta para la billetera del trabajador",
        "رمز QR لعرض الشهادة لمحفظة العامل",
    ),
    "offer_short": ("Wallet QR", "QR portefeuille", "QR billetera", "رمز المحفظة"),
    "offer_hint": (
        "The worker scans this code with the SkillPass wallet. It works once and expires at {when}.",
        "Le travailleur scanne ce code avec le portefeuille SkillPass. Il ne sert qu'une fois et expire à {when}.",
        "El trabajador escanea este código con la billetera SkillPass. Sirve una vez y caduca a las {when}.",
        "يمسح العامل هذا الرمز بمحفظة SkillPass. يعمل مرة واحدة وتنتهي صلاحيته في {when}.",
    ),
    "offer_qr_alt": (
        "Credential offer QR code",
        "Code QR de l'offre",
        "Código QR de la oferta",
        "رمز QR للعرض",
    ),
    "change_status": (
        "Revoke or suspend",
        "Révoquer ou suspendre",
        "Revocar o suspender",
        "إلغاء أو تعليق",
    ),
    "action": ("Action", "Action", "Acción", "الإجراء"),
    "do_revoke": (
        "Revoke (for good)",
        "Révoquer (définitivement)",
        "Revocar (definitivamente)",
        "إلغاء (نهائيًا)",
    ),
    "do_suspend": ("Suspend", "Suspendre", "Suspender", "تعليق"),
    "do_reinstate": (
        "Lift the suspension",
        "Lever la suspension",
        "Levantar la suspensión",
        "رفع التعليق",
    ),
    "reason": (
        "Reason (kept in the audit log)",
        "Raison (conservée dans le journal d'audit)",
        "Motivo (se guarda en el registro de auditoría)",
        "السبب (يُحفظ في سجل التدقيق)",
    ),
    "apply": ("Apply", "Appliquer", "Aplicar", "تطبيق"),
    "status_changed": (
        "The status is now: {status}.",
        "Le statut est maintenant : {status}.",
        "El estado es ahora: {status}.",
        "الحالة الآن: {status}.",
    ),
    "error": ("Something went wrong", "Un problème est survenu", "Algo salió mal", "حدث خطأ"),
    "csrf": (
        "The form expired or did not come from this page; please try again.",
        "Le formulaire a expiré ou ne vient pas de cette page ; veuillez réessayer.",
        "El formulario caducó o no procede de esta página; inténtelo de nuevo.",
        "انتهت صلاحية النموذج أو لم يأتِ من هذه الصفحة؛ حاول مجددًا.",
    ),
    "need_institute_key": (
        "Sign in with an institute's API key (the admin token cannot issue).",
        "Connectez-vous avec la clé d'API d'un établissement (le jeton d'administration ne peut pas émettre).",
        "Inicie sesión con la clave de API de un centro (el token de administración no puede emitir).",
        "سجّل الدخول بمفتاح API لمعهد (رمز المشرف لا يمكنه الإصدار).",
    ),
    "back": ("Back to the list", "Retour à la liste", "Volver a la lista", "العودة إلى القائمة"),
    "credential_id": ("Credential id", "Identifiant", "Identificador", "معرّف الشهادة"),
}

_INDEX = {code: n for n, code in enumerate(LANGUAGES)}


def translate(lang: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``lang``."""
    text = _T[key][_INDEX.get(lang, 0)]
    return text.format(**values) if values else text
