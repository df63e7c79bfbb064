"""The one vocabulary module: the IRIs and values that checks, views and builders agree on.

Terms as JSON keys are only a spelling: the checked view (``_view``) reads the expanded form,
where every property is its full IRI, so a key written as an IRI or a compact IRI cannot hide a
fact. Builders write the short terms that the pinned contexts map to these IRIs.
"""

from __future__ import annotations

import re
from typing import Final

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# VC Data Model (1.1 and 2.0 share the namespace).
CRED: Final = "https://www.w3.org/2018/credentials#"
VERIFIABLE_CREDENTIAL: Final = CRED + "VerifiableCredential"
VERIFIABLE_PRESENTATION: Final = CRED + "VerifiablePresentation"
ISSUER: Final = CRED + "issuer"
HOLDER: Final = CRED + "holder"
CREDENTIAL_SUBJECT: Final = CRED + "credentialSubject"
CREDENTIAL_STATUS: Final = CRED + "credentialStatus"
VERIFIABLE_CREDENTIAL_PROP: Final = CRED + "verifiableCredential"
VALID_FROM: Final = CRED + "validFrom"
VALID_UNTIL: Final = CRED + "validUntil"
ISSUANCE_DATE: Final = CRED + "issuanceDate"
EXPIRATION_DATE: Final = CRED + "expirationDate"
RELATED_RESOURCE: Final = CRED + "relatedResource"
DIGEST_SRI: Final = CRED + "digestSRI"
DIGEST_MULTIBASE: Final = "https://w3id.org/security#digestMultibase"

# Bitstring Status List v1.0.
STATUS: Final = "https://www.w3.org/ns/credentials/status#"
STATUS_PURPOSE: Final = STATUS + "statusPurpose"
STATUS_LIST_INDEX: Final = STATUS + "statusListIndex"
STATUS_LIST_CREDENTIAL: Final = STATUS + "statusListCredential"
STATUS_SIZE: Final = STATUS + "statusSize"
STATUS_MESSAGE: Final = STATUS + "statusMessage"
STATUS_MESSAGE_STATUS: Final = STATUS + "status"
STATUS_MESSAGE_TEXT: Final = STATUS + "message"

# schema.org terms the VC and OB contexts share.
SCHEMA: Final = "https://schema.org/"
NAME: Final = SCHEMA + "name"
DESCRIPTION: Final = SCHEMA + "description"
TARGET_FRAMEWORK: Final = SCHEMA + "targetFramework"
TARGET_NAME: Final = SCHEMA + "targetName"
TARGET_URL: Final = SCHEMA + "targetUrl"

# Open Badges 3.0.
OB: Final = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
OPEN_BADGE_CREDENTIAL: Final = OB + "OpenBadgeCredential"
ACHIEVEMENT_CREDENTIAL: Final = OB + "AchievementCredential"
ACHIEVEMENT: Final = OB + "achievement"
ACHIEVEMENT_TYPE: Final = OB + "achievementType"
ALIGNMENT: Final = OB + "alignment"
TARGET_CODE: Final = OB + "targetCode"
TARGET_TYPE: Final = OB + "targetType"
FIELD_OF_STUDY: Final = OB + "fieldOfStudy"
IDENTIFIER: Final = OB + "identifier"
IDENTITY_TYPE: Final = OB + "identityType"
IDENTITY_HASH: Final = OB + "identityHash"
HASHED: Final = OB + "hashed"
SALT: Final = OB + "salt"
AWARDED_DATE: Final = OB + "awardedDate"  # of the credential, not of its subject
ACTIVITY_END_DATE: Final = OB + "activityEndDate"

# Values SkillPass writes and reads in Open Badges fields. OB 3.0 only enumerates
# competency-framework alignment types; the others are its `ext:` extensions.
QUALIFICATION_LEVEL: Final = "ext:QualificationLevel"
LANGUAGE_LEVEL: Final = "ext:LanguageProficiencyLevel"
LANGUAGE: Final = "ext:Language"
COMPETENCY: Final = "ceasn:Competency"
ISCED_F: Final = "ext:ISCED-F"
PASSPORT_NUMBER: Final = "ext:passportNumber"
NAME_IDENTITY: Final = "name"
# Identity types whose hash an officer checks against the number in a passport or ID card.
ID_NUMBER_TYPES: Final = frozenset({PASSPORT_NUMBER, "nationalIdentityNumber"})
EQF_URL_PREFIX: Final = "http://data.europa.eu/snb/eqf/"
FRAMEWORK_URN_PREFIX: Final = "urn:skillpass:framework:"
# Any level number: a level the EQF does not have is reported (invalid_level), not skipped.
EQF_URL: Final = re.compile(r"^https?://data\.europa\.eu/snb/eqf/([0-9]+)\Z")
FRAMEWORK_URN: Final = re.compile(r"^urn:skillpass:framework:([A-Za-z0-9-]+):([A-Za-z0-9.+]+)\Z")

# Names of the types a report shows, by IRI (the JSON spelling is not trusted).
TYPE_NAMES: Final = {
    VERIFIABLE_CREDENTIAL: "VerifiableCredential",
    VERIFIABLE_PRESENTATION: "VerifiablePresentation",
    OPEN_BADGE_CREDENTIAL: "OpenBadgeCredential",
    ACHIEVEMENT_CREDENTIAL: "AchievementCredential",
}
