"""Statements of reasons made up for the generator of DSA Transparency Database daily dumps
(test and benchmark data only, see generate.py). One ``RowMaker.make()`` call = one statement of
reasons: its 38 CSV fields in v2 full column order, each already written the PHP ``fputcsv`` way,
and its cube key. The platform mix and per-platform automation loosely follow the format notes
§4.2 (TikTok, YouTube, Instagram from the notes; the other platforms' automation is invented)."""

from __future__ import annotations

import csv
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path

ENUMS_CSV = Path(__file__).resolve().parents[2] / "data" / "taxonomy" / "dsa_sor_enums.csv"
V1_LAST_DAY = date(2025, 6, 30)
AMAZON_RENAMED = date(2024, 5, 1)  # dumps of earlier days name the platform "Amazon"
COLUMNS_V2 = (
    "uuid,decision_visibility,decision_visibility_other,end_date_visibility_restriction,decision_monetary,decision_monetary_other,"
    "end_date_monetary_restriction,decision_provision,end_date_service_restriction,decision_account,end_date_account_restriction,"
    "account_type,decision_ground,decision_ground_reference_url,illegal_content_legal_ground,illegal_content_explanation,"
    "incompatible_content_ground,incompatible_content_explanation,incompatible_content_illegal,category,category_addition,"
    "category_specification,category_specification_other,content_type,content_type_other,content_language,content_date,"
    "content_id_ean,territorial_scope,application_date,decision_facts,source_type,source_identity,automated_detection,"
    "automated_decision,platform_name,platform_uid,created_at"
).split(",")
LIGHT_DROPPED = frozenset({"illegal_content_explanation", "incompatible_content_explanation", "territorial_scope", "decision_facts"})
(I_VIS, I_VIS_OTHER, I_END_VIS, I_MON, I_MON_OTHER, I_PROV, I_ACC, I_END_ACC, I_ACC_TYPE, I_GROUND, I_URL, I_ILL_LEGAL, I_ILL_EXPL,
 I_INC_GROUND, I_INC_EXPL, I_INC_ILLEGAL, I_CAT, I_CAT_ADD, I_KW, I_KW_OTHER, I_CT, I_CT_OTHER, I_LANG, I_CDATE, I_EAN, I_TERR,
 I_ADATE, I_FACTS, I_SRC, I_SRC_ID, I_ADET, I_ADEC, I_PNAME, I_PUID, I_CREATED) = (
    COLUMNS_V2.index(c) for c in (
        "decision_visibility", "decision_visibility_other", "end_date_visibility_restriction", "decision_monetary",
        "decision_monetary_other", "decision_provision", "decision_account", "end_date_account_restriction", "account_type",
        "decision_ground", "decision_ground_reference_url", "illegal_content_legal_ground", "illegal_content_explanation",
        "incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal", "category",
        "category_addition", "category_specification", "category_specification_other", "content_type", "content_type_other",
        "content_language", "content_date", "content_id_ean", "territorial_scope", "application_date", "decision_facts",
        "source_type", "source_identity", "automated_detection", "automated_decision", "platform_name", "platform_uid", "created_at"))
C_MIN, D_MAX, A_MIN = date(2000, 1, 1).toordinal(), date(2038, 1, 1).toordinal(), date(2020, 1, 1).toordinal()
EEA = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
LANGS = "EN EN EN DE DE FR FR ES IT PL NL PT RO EL CS HU SV  ".split(" ")

# name, slug, kind, share v1 %, share v2 %, P(FULLY), P(PARTIALLY), P(detection | not FULLY), puid prefix, puid bits,
# content types ("+" joins the elements of one array, "|" separates the choices)
PLATFORMS = [
    ("Google Shopping", "google-shopping", "market", 86.9, 59.4, .55, .05, .85, "", 60, "PRODUCT"),
    ("AliExpress", "aliexpress", "market", 1.2, 8.2, .30, .20, .60, "1005", 40, "PRODUCT|PRODUCT|PRODUCT+IMAGE"),
    ("Facebook", "facebook", "social", 2.2, 5.1, .25, .60, .70, "fb_", 56, "TEXT|IMAGE+TEXT|VIDEO|IMAGE|OTHER"),
    ("TikTok", "tiktok", "social", 4.4, 4.7, .924, 0, .645, "", 62, "VIDEO|VIDEO|VIDEO+TEXT|TEXT|OTHER"),
    ("Pinterest", "pinterest", "social", 1.2, 4.6, .70, .10, .50, "pin-", 50, "IMAGE|IMAGE+TEXT|OTHER"),
    ("Amazon Store", "amazon-store", "market", 2.0, 3.9, .40, .30, .50, "B0", 36, "PRODUCT|PRODUCT+TEXT"),
    ("Temu", "temu", "market", .3, 3.7, .50, .20, .60, "", 44, "PRODUCT"),
    ("Shopify", "shopify", "market", .2, 2.6, .20, .10, .40, "gid-", 40, "PRODUCT|PRODUCT+IMAGE"),
    ("Instagram", "instagram", "social", .3, 1.4, 0, .955, .955, "", 58, "IMAGE|VIDEO|IMAGE+TEXT|TEXT"),
    ("YouTube", "youtube", "social", .5, 1.4, .498, .049, .98, "yt-", 48, "VIDEO|VIDEO|VIDEO+AUDIO|TEXT|OTHER"),
    ("Google Maps", "google-maps", "social", .4, .8, .60, .10, .70, "maps_", 52, "TEXT|TEXT|IMAGE"),
    ("X", "x", "social", .01, .01, .01, .02, .05, "", 60, "TEXT|IMAGE+TEXT|VIDEO"),
    ("Snapchat", "snapchat", "social", .05, .9, .30, .30, .60, "snap_", 48, "IMAGE|VIDEO|TEXT"),
    ("LinkedIn", "linkedin", "social", .03, .4, .20, .40, .60, "urn-li-", 48, "TEXT|IMAGE+TEXT"),
    ("Wallapop", "wallapop", "market", .03, .7, .30, .20, .50, "", 36, "PRODUCT|PRODUCT+IMAGE"),
    ("leboncoin", "leboncoin", "market", .04, .8, .40, .10, .60, "lbc_", 36, "PRODUCT|TEXT"),
    ("Google Play", "google-play", "market", .04, .5, .50, .10, .70, "app-", 40, "APP"),
    ("Booking.com", "booking-com", "social", 0, .39, .10, .30, .50, "rev-", 40, "TEXT"),
]
# weight, category "v2/v1" (one name: both), P(illegal ground), keywords ("|" choices, "-" none, "v2/v1"), visibilities
CASES = {
    "market": [
        (38, "OTHER_VIOLATION_TC/SCOPE_OF_PLATFORM_SERVICE", .02, "-|-|GOODS_SERVICES_NOT_PERMITTED", "CONTENT_REMOVED|CONTENT_DISABLED"),
        (20, "UNSAFE_AND_PROHIBITED_PRODUCTS/UNSAFE_AND_ILLEGAL_PRODUCTS", .30,
         "PROHIBITED_PRODUCTS/REGULATED_GOODS_SERVICES|UNSAFE_PRODUCTS/DANGEROUS_TOYS|RISK_PUBLIC_HEALTH",
         "CONTENT_REMOVED|CONTENT_DISABLED"),
        (15, "INTELLECTUAL_PROPERTY_INFRINGEMENTS", .60, "TRADEMARK_INFRINGEMENT|COPYRIGHT_INFRINGEMENT|DESIGN_INFRINGEMENT",
         "CONTENT_REMOVED|CONTENT_DISABLED"),
        (10, "CONSUMER_INFORMATION/SCAMS_AND_FRAUD", .40,
         "MISLEADING_INFO_GOODS_SERVICES/INAUTHENTIC_LISTINGS|NONCOMPLIANCE_PRICING/OTHER|INSUFFICIENT_INFORMATION_ON_TRADERS/"
         "INSUFFICIENT_INFORMATION_TRADERS", "CONTENT_DISABLED|CONTENT_DEMOTED|OTHER"),
        (10, "SCAMS_AND_FRAUD", .20, "INAUTHENTIC_LISTINGS|PHISHING|INAUTHENTIC_USER_REVIEWS", "CONTENT_REMOVED|CONTENT_DISABLED"),
        (3, "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", .50, "MISSING_PROCESSING_GROUND|RIGHT_TO_BE_FORGOTTEN", "CONTENT_REMOVED"),
        (2, "ANIMAL_WELFARE", .50, "UNLAWFUL_SALE_ANIMALS|ANIMAL_HARM", "CONTENT_REMOVED"),
    ],
    "social": [
        (20, "ILLEGAL_OR_HARMFUL_SPEECH", .10, "HATE_SPEECH|DEFAMATION|-|DISCRIMINATION",
         "CONTENT_REMOVED|CONTENT_REMOVED|CONTENT_DEMOTED|CONTENT_INTERACTION_RESTRICTED+CONTENT_DEMOTED"),
        (20, "OTHER_VIOLATION_TC/SCOPE_OF_PLATFORM_SERVICE", .01, "-|-|OTHER", "CONTENT_REMOVED|CONTENT_DEMOTED|CONTENT_LABELLED|OTHER"),
        (10, "OTHER_VIOLATION_TC/PORNOGRAPHY_OR_SEXUALIZED_CONTENT", .02, "NUDITY|ADULT_SEXUAL_MATERIAL",
         "CONTENT_REMOVED|CONTENT_AGE_RESTRICTED|CONTENT_AGE_RESTRICTED+CONTENT_DEMOTED"),
        (8, "PROTECTION_OF_MINORS", .40,
         "CHILD_SEXUAL_ABUSE_MATERIAL|GROOMING_SEXUAL_ENTICEMENT_MINORS|AGE_SPECIFIC_RESTRICTIONS_MINORS|UNSAFE_CHALLENGES",
         "CONTENT_REMOVED|CONTENT_REMOVED|CONTENT_AGE_RESTRICTED"),
        (12, "SCAMS_AND_FRAUD", .10, "INAUTHENTIC_ACCOUNTS|IMPERSONATION_ACCOUNT_HIJACKING|PHISHING", "CONTENT_REMOVED|-"),
        (6, "VIOLENCE", .20, "INCITEMENT_VIOLENCE_HATRED|COORDINATED_HARM|HUMAN_EXPLOITATION", "CONTENT_REMOVED|CONTENT_LABELLED"),
        (4, "SELF_HARM", .05, "SUICIDE|SELF_MUTILATION|CONTENT_PROMOTING_EATING_DISORDERS", "CONTENT_REMOVED|CONTENT_AGE_RESTRICTED"),
        (6, "CYBER_VIOLENCE/ILLEGAL_OR_HARMFUL_SPEECH", .20,
         "CYBER_BULLYING_INTIMIDATION/ONLINE_BULLYING_INTIMIDATION|CYBER_HARASSMENT/STALKING|NON_CONSENSUAL_IMAGE_SHARING",
         "CONTENT_REMOVED|CONTENT_INTERACTION_RESTRICTED"),
        (1, "CYBER_VIOLENCE_AGAINST_WOMEN/NON_CONSENSUAL_BEHAVIOUR", .50,
         "CYBER_HARASSMENT_AGAINST_WOMEN/NON_CONSENSUAL_IMAGE_SHARING|NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN/"
         "NON_CONSENSUAL_ITEMS_DEEPFAKE", "CONTENT_REMOVED"),
        (3, "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", .10, "MISINFORMATION_DISINFORMATION/DISINFORMATION|VIOLATION_NATIONAL_LAW/"
         "MISINFORMATION", "CONTENT_LABELLED|CONTENT_DEMOTED|CONTENT_REMOVED"),
        (2, "RISK_FOR_PUBLIC_SECURITY", .60, "TERRORIST_CONTENT|ILLEGAL_ORGANIZATIONS", "CONTENT_REMOVED"),
        (4, "INTELLECTUAL_PROPERTY_INFRINGEMENTS", .70, "COPYRIGHT_INFRINGEMENT|TRADEMARK_INFRINGEMENT",
         "CONTENT_DISABLED|CONTENT_REMOVED"),
        (1, "NOT_SPECIFIED_NOTICE/ILLEGAL_OR_HARMFUL_SPEECH", 1.0, "-", "CONTENT_DISABLED"),
    ],
}
LEGAL = ["Article 16 DSA notice; national law on unfair commercial practices", "Regulation (EU) 2023/988 on general product safety",
         "Directive (EU) 2019/790, Article 17", "Section 130 of the German Criminal Code (StGB)",
         "Regulation (EU) 2021/784 on terrorist content", "Directive 2011/93/EU on combating the sexual abuse of children",
         "Code de la consommation, article L121-1"]
POLICY = ["Community Guidelines, section {s}", "Prohibited and restricted products policy, rule {s}", "Terms of Service, section {s}",
          "Counterfeit and Intellectual Property Policy {s}", "Misrepresentation policy {s}", "Integrity and authenticity rules, item {s}"]
EXPL = "The {what} {ref} was reviewed on {day} after it was {how}; it breaches {rule}."
FACTS = [
    "We reviewed the {what} {ref} and found that it does not comply with {rule}. {pl} acts on each {what} that breaks these "
    "rules to keep the service safe. The {what} was {how}. You may appeal this decision in the internal complaint system.",
    "When reviewing content or accounts, {pl} considers the information available at the time, including the report {ref} "
    "about this {what}. The {what} was {how} and found in breach of {rule}. Repeated violations can lead to suspension.",
    "The offer {ref} was flagged during routine checks of product data. The {what} does not meet the requirements of {rule}. "
    "It will not be shown until the problem is fixed and the {what} is submitted again for review in the merchant centre.",
]
WHAT = {"market": ["listing", "offer", "product page", "item"], "social": ["video", "comment", "post", "account", "image"]}
HOW = ["detected by automated means", "reported by a user", "identified during a proactive review", "flagged by a trusted notifier"]
CT_OTHER = ["Comment", "Adview", "Account", "Pin", "Profile", "Livestream"]
SOURCES = ["SOURCE_VOLUNTARY"] * 85 + ["SOURCE_ARTICLE_16"] * 10 + ["SOURCE_TYPE_OTHER_NOTIFICATION"] * 4 + ["SOURCE_TRUSTED_FLAGGER"]
SOURCE_ID = {"SOURCE_TRUSTED_FLAGGER": "Trusted flagger hotline member of INHOPE", "SOURCE_ARTICLE_16": "Rights holder or their agent",
             "SOURCE_TYPE_OTHER_NOTIFICATION": "Order of a national authority"}
_draw = random.Random("dsa-sor-offset-tables")
APP_OFFSETS = [0] * 62 + [1] * 20 + [_draw.randint(2, 7) for _ in range(13)] + [_draw.randint(8, 30) for _ in range(5)]
CONTENT_OFFSETS = ([0] * 150 + [1] * 100 + [_draw.randint(2, 7) for _ in range(200)] + [_draw.randint(8, 30) for _ in range(200)]
                   + [_draw.randint(31, 90) for _ in range(150)] + [_draw.randint(91, 365) for _ in range(120)]
                   + [_draw.randint(366, 1826) for _ in range(70)] + [_draw.randint(1827, 3000) for _ in range(10)])
BUCKETS = ["0", "1"] + ["2-7"] * 6 + ["8-30"] * 23 + ["31-90"] * 60 + ["91-365"] * 275 + ["366-1826"] * 1461


def bucket(days: int) -> str:
    """A delay in days as the cube's bucket string (no range check: see delays())."""
    if days < 0:
        return "negative"
    return BUCKETS[days] if days < len(BUCKETS) else "1827+"


def delays(content: int | None, application: int | None, created: int) -> tuple[str, str]:
    """(content_delay, decision_lag) of date ordinals by the spec's bucket rules: a missing date, one outside its
    allowed range or after created_at's date makes the delays that use it 'impossible'."""
    a_ok = application is not None and A_MIN <= application <= D_MAX and application <= created
    c_ok = content is not None and C_MIN <= content <= D_MAX and content <= created
    return (bucket(application - content) if a_ok and c_ok else "impossible", bucket(created - application) if a_ok else "impossible")


def schema_version(day: date) -> str:
    return "v1" if day <= V1_LAST_DAY else "v2"


def columns(version: str, variant: str) -> list[str]:
    """CSV columns of a v1/v2 full/light dump, in order (37/38 full, 33/34 light)."""
    return [c for c in COLUMNS_V2 if not (c == "content_id_ean" and version == "v1") and not (variant == "light" and c in LIGHT_DROPPED)]


def load_enums(path: Path = ENUMS_CSV) -> dict[tuple[str, str], list[str]]:
    """(field, 'v1'|'v2') -> allowed keys, from data/taxonomy/dsa_sor_enums.csv."""
    out: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for version in ("v1", "v2"):
                if row[version] == "1":
                    out.setdefault((row["field"], version), []).append(row["key"])
    return out


def platforms_of(slug: str) -> list[tuple]:
    """The PLATFORMS rows a dump slug covers ('global': all; 'amazon' is Amazon Store's slug before the rename)."""
    plats = [p for p in PLATFORMS if slug == "global" or slug in (p[1], "amazon" if p[1] == "amazon-store" else p[1])]
    if not plats:
        raise ValueError(f"unknown dump slug {slug!r}: use 'global' or one of {sorted(p[1] for p in PLATFORMS)}")
    return plats


def platform_name(name: str, day: date) -> str:
    return "Amazon" if name == "Amazon Store" and day < AMAZON_RENAMED else name


def quoted(text: str) -> str:
    """A text field as PHP fputcsv writes it (every generated text holds a space, so it is always quoted)."""
    return '"' + text.replace('"', '""') + '"'


def json_field(items: tuple[str, ...] | list[str]) -> str:
    """A JSON array field as the dumps write it; the empty list is PHP null (nothing between the commas)."""
    return '"[' + ",".join(f'""{x}""' for x in items) + ']"' if items else ""


@dataclass(frozen=True)
class Case:
    weight: int
    category: str
    p_illegal: float
    keywords: tuple[tuple[str, ...], ...]
    visibilities: tuple[tuple[str, ...], ...]


class RowMaker:
    """Makes the statements of one created_at day (``home``) for a dump laid out as ``layout_version`` (the dump's
    schema version, which is the cube's schema_version; the vocabulary follows the home day)."""

    def __init__(self, home: date, slug: str, layout_version: str, rates, enums: dict[tuple[str, str], list[str]]) -> None:
        self.home, self.rates, self.version = home, rates, schema_version(home)
        self.day_iso, self.layout_version = home.isoformat(), layout_version
        self.created_ord = home.toordinal()
        self.enums = enums
        plats = platforms_of(slug)
        share = 3 if self.version == "v1" else 4
        plats = [p for p in plats if p[share] > 0] or plats
        self.platforms = [self._platform(p) for p in plats]
        self.cum = list(accumulate(p[share] or 1 for p in plats))
        self.cases = {k: self._cases(v) for k, v in CASES.items()}
        self.case_cum = {k: list(accumulate(c.weight for c in v)) for k, v in self.cases.items()}
        self.categories, self.keywords = enums[("category", self.version)], enums[("category_specification", self.version)]
        v1_only = set(enums[("category", "v1")]) - set(enums[("category", "v2")])
        self.v1_only = sorted(v1_only) if self.version == "v2" else []  # v1-only categories seen in v2 days
        self.json_cache: dict[tuple[str, ...], str] = {}
        self.date_cache: dict[int, str] = {}
        eea, eu = json_field(sorted(EEA + ["IS", "LI", "NO"])), json_field(EEA)  # territorial_scope is sorted on submission
        self.territories = [eea, eu] * 3 + [json_field(["DE"]), json_field(["FR", "IT"]), ""]

    def _check(self, field: str, key: str) -> str:
        if key not in self.enums[(field, self.version)]:
            raise ValueError(f"{key} is not a {self.version} {field}")
        return key

    def _platform(self, p: tuple) -> tuple:
        name, _, kind, _, _, p_full, p_part, p_det, prefix, bits, cts = p
        types = tuple(tuple(self._check("content_type", "CONTENT_TYPE_" + t) for t in c.split("+")) for c in cts.split("|"))
        n = platform_name(name, self.home)
        return quoted(n) if " " in n else n, n, kind, p_full, p_full + p_part, p_det, prefix, bits, types

    def _cases(self, rows: list[tuple]) -> list[Case]:
        pick = 0 if self.version == "v2" else -1
        out = []
        for weight, cat, p_ill, kws, vis in rows:
            kw = tuple(() if k == "-" else (self._check("category_specification", "KEYWORD_" + k.split("/")[pick]),)
                       for k in kws.split("|"))
            vs = tuple(() if v == "-" else tuple(self._check("decision_visibility", "DECISION_VISIBILITY_" + x) for x in v.split("+"))
                       for v in vis.split("|"))
            out.append(Case(weight, self._check("category", "STATEMENT_CATEGORY_" + cat.split("/")[pick]), p_ill, kw, vs))
        return out

    def json(self, items: tuple[str, ...]) -> str:
        got = self.json_cache.get(items)
        if got is None:
            got = self.json_cache[items] = json_field(items)
        return got

    def day_field(self, ordinal: int) -> str:
        got = self.date_cache.get(ordinal)
        if got is None:
            got = self.date_cache[ordinal] = f'"{date.fromordinal(ordinal).isoformat()} 00:00:00"'
        return got

    def array(self, rng: random.Random, items: list[str], flags: list[int]) -> tuple[tuple[str, ...], str]:
        """(sorted distinct cube list, field as written): API_MULTI style unsorted / duplicated elements at the Rates."""
        clean = tuple(sorted(set(items)))
        if len(items) > 1 and rng.random() < self.rates.unsorted_arrays:
            items = sorted(items, reverse=True)
        elif items and rng.random() < self.rates.duplicated_elements:
            items = [*items, items[0]]
        else:
            items = clean
        written = tuple(items)
        flags[0] |= len(clean) > 1 and written != clean and len(set(written)) == len(written)
        flags[1] |= len(set(written)) != len(written)
        return clean, self.json(written)

    def make(self, rng: random.Random, created: str, batch: tuple | None = None) -> tuple[list[str], tuple, list[int]]:
        """One statement: (38 CSV fields, cube key, flags as generate.QUIRK_FLAGS). A statement of a ``batch`` (a
        prototype from fresh(), like a bulk submission) copies it but for its uuid, platform_uid, created_at, and
        at the Rates its content_date and dates quirks; a share ``batch_variation`` is drawn afresh."""
        r, rates = rng.random, self.rates
        if batch is None or r() < rates.batch_variation:
            batch = self.fresh(rng)
        f, key, flags, prefix, bits, app, content = batch
        f, flags, changed = f.copy(), flags.copy(), False
        h = "%032x" % (rng.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48) | 0x4000 << 64 | 0x8000 << 48)
        f[0] = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        f[I_PUID], f[I_CREATED], cr = f"{prefix}{rng.getrandbits(bits)}", created, self.created_ord
        if r() < 0.2:
            content, changed = app - CONTENT_OFFSETS[int(r() * 1000)], True
        u = r()
        if u < rates.impossible_dates:
            flags[3], changed = 1, True
            content, app = rng.choice(((date(1970, 1, 1).toordinal(), app), (content, cr + rng.randint(1, 9)),
                                       (content, date(2019, 12, 31).toordinal()), (cr + 2, app)))
        elif u < rates.impossible_dates + rates.negative_delays:
            app = cr - rng.randint(1, 30)
            content, flags[4], changed = min(cr, app + rng.randint(1, 5)), 1, True
        elif u < rates.impossible_dates + rates.negative_delays + rates.outlier_dates:
            content, flags[5], changed = C_MIN, 1, True
        if changed:
            f[I_CDATE], f[I_ADATE] = self.day_field(content), self.day_field(app)
            key = (*key[:15], *delays(content, app, cr))
        if self.v1_only and r() < rates.v1_categories:
            f[I_CAT] = category = rng.choice(self.v1_only)
            key, flags[2] = (*key[:3], category, *key[4:]), 1
        return f, key, flags

    def fresh(self, rng: random.Random) -> tuple:
        """A statement drawn afresh: (fields, key, flags, puid prefix, puid bits, application and content ordinals)."""
        r, rates, flags, cr = rng.random, self.rates, [0, 0, 0, 0, 0, 0, 0], self.created_ord
        quoted_name, name, kind, p_full, p_auto, p_det, prefix, bits, types = self.platforms[bisect(self.cum, r() * self.cum[-1])]
        case = self.cases[kind][bisect(self.case_cum[kind], r() * self.case_cum[kind][-1])]
        f = [""] * 38
        category, kw = case.category, list(case.keywords[int(r() * len(case.keywords))])
        if r() < rates.vocabulary_noise:
            category, kw = rng.choice(self.categories), [rng.choice(self.keywords)]
        elif kw and r() < 0.12:
            kw.append(rng.choice(self.keywords))
        f[I_CAT], added = category, ()
        if r() < 0.04:
            extra = [c for c in (rng.choice(self.categories), rng.choice(self.categories)) if c != category]
            added, f[I_CAT_ADD] = tuple(sorted(set(extra))), self.json(tuple(extra)) if extra or r() < 0.5 else "[]"
        kw_clean, f[I_KW] = self.array(rng, kw, flags) if kw else ((), "[]" if r() < 0.05 else "")
        if "KEYWORD_OTHER" in kw_clean:
            f[I_KW_OTHER] = quoted(f"Other: {rng.choice(POLICY).format(s=rng.randint(1, 40))}")
        vis, mon, prov, acc, u = list(case.visibilities[int(r() * len(case.visibilities))]), None, None, None, r()
        if u < 0.04 or not vis:
            acc = f[I_ACC] = "DECISION_ACCOUNT_TERMINATED" if kind == "social" and u < 0.03 else "DECISION_ACCOUNT_SUSPENDED"
            f[I_END_ACC] = "" if acc.endswith("TERMINATED") else self.day_field(rng.choice((cr + 7, cr + 30, D_MAX)))
        elif u < 0.06:
            prov = f[I_PROV] = "DECISION_PROVISION_PARTIAL_SUSPENSION" if kind == "market" else "DECISION_PROVISION_TOTAL_TERMINATION"
        elif u < 0.075:
            mon = f[I_MON] = rng.choice(("DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"))
            f[I_MON_OTHER] = quoted("Demonetisation of the channel") if mon.endswith("OTHER") else ""
        vis_clean, f[I_VIS] = self.array(rng, vis, flags) if vis else ((), "")
        if "DECISION_VISIBILITY_OTHER" in vis_clean:
            f[I_VIS_OTHER] = quoted(rng.choice(("Listing hidden from search results", "Removed from recommendations")))
        if "DECISION_VISIBILITY_CONTENT_DEMOTED" in vis_clean and r() < 0.3:
            f[I_END_VIS] = self.day_field(cr + rng.choice((30, 90, 180)))
        f[I_ACC_TYPE] = ("ACCOUNT_TYPE_BUSINESS" if kind == "market" else "ACCOUNT_TYPE_PRIVATE") if r() < 0.6 else ""
        source = f[I_SRC] = "SOURCE_ARTICLE_16" if category.endswith("NOT_SPECIFIED_NOTICE") else SOURCES[int(r() * 100)]
        f[I_SRC_ID] = quoted(SOURCE_ID[source]) if source != "SOURCE_VOLUNTARY" and r() < 0.7 else ""
        what, how = WHAT[kind][int(r() * len(WHAT[kind]))], HOW[int(r() * 4)]
        ref, rule = f"{prefix}{rng.getrandbits(24)}", rng.choice(POLICY).format(s=f"{rng.randint(1, 12)}.{rng.randint(1, 9)}")
        if r() < case.p_illegal:
            ground = f[I_GROUND] = "DECISION_GROUND_ILLEGAL_CONTENT"
            f[I_ILL_LEGAL] = quoted(rng.choice(LEGAL))
            f[I_ILL_EXPL] = quoted(EXPL.format(what=what, ref=ref, day=self.day_iso, how=how, rule="the applicable law"))
            f[I_URL] = f"https://transparency.example.eu/legal/{rng.randint(1, 400)}" if r() < 0.2 else ""
        else:
            ground = f[I_GROUND] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
            f[I_INC_GROUND] = quoted(rule)
            f[I_INC_EXPL] = quoted(EXPL.format(what=what, ref=ref, day=self.day_iso, how=how, rule=rule))
            f[I_INC_ILLEGAL] = ("Yes", "No", "", "")[int(r() * 4)]
        ct_clean, f[I_CT] = self.array(rng, list(types[int(r() * len(types))]), flags)
        f[I_CT_OTHER] = CT_OTHER[int(r() * len(CT_OTHER))] if "CONTENT_TYPE_OTHER" in ct_clean else ""
        f[I_LANG] = LANGS[int(r() * len(LANGS))]
        f[I_EAN] = f"{rng.randrange(10**13):013d}" if kind == "market" and self.version == "v2" and r() < 0.25 else ""
        f[I_TERR] = self.territories[int(r() * len(self.territories))]
        facts = FACTS[2 if kind == "market" and r() < 0.6 else int(r() * 2)]
        f[I_FACTS] = quoted(facts.format(what=what, ref=ref, pl=name, how=how, rule=rule))
        auto = r()
        f[I_ADEC] = decision = "AUTOMATED_DECISION_FULLY" if auto < p_full else \
            "AUTOMATED_DECISION_PARTIALLY" if auto < p_auto else "AUTOMATED_DECISION_NOT_AUTOMATED"
        detection = f[I_ADET] = "Yes" if auto < p_full or r() < p_det else "No"
        f[I_PNAME] = quoted_name
        if r() < rates.backlog:
            app, flags[6] = cr - rng.randint(14, 90), 1
        else:
            app = cr - APP_OFFSETS[int(r() * 100)]
        content = app - CONTENT_OFFSETS[int(r() * 1000)]
        f[I_CDATE], f[I_ADATE] = self.day_field(content), self.day_field(app)
        key = (self.day_iso, name, self.layout_version, category, added, kw_clean, vis_clean, mon, prov, acc, ground, detection,
               decision, source, ct_clean, *delays(content, app, cr))
        return f, key, flags, prefix, bits, app, content


def backslash_bug(f: list[str], key: tuple, rng: random.Random, keep_arrays: bool = False) -> tuple:
    """PHP fputcsv's escape bug on one statement: a text holding \\" pairs written WITHOUT doubling the quote. The
    statement's JSON arrays are left empty unless ``keep_arrays``: DuckDB 2.0.1 cannot re-read a line holding any ""
    with escape='\\' (measured). Returns the cube key (with those lists emptied)."""
    field = I_INC_GROUND if f[I_INC_GROUND] else I_ILL_LEGAL
    word = rng.choice(("Original", "100% cotton", "Made in EU", "Bio"))
    tail = rng.choice((", see the listing", " in the title", ""))  # DuckDB reports a comma after the pair as TOO MANY COLUMNS too
    f[field] = f'"Listing title claims \\"{word}\\" without evidence{tail}"'
    if keep_arrays:
        return key
    f[I_VIS] = f[I_CAT_ADD] = f[I_KW] = f[I_CT] = f[I_TERR] = ""
    return (*key[:4], (), (), (), *key[7:14], (), *key[15:])


def encoding_bug(f: list[str]) -> None:
    """Invalid UTF-8 in a free text present in full and light: a text cut mid-character (a lone 0xC3 byte, kept as
    the surrogate U+DCC3 until the line is encoded with errors='surrogateescape'), followed by a space."""
    field = I_INC_GROUND if f[I_INC_GROUND] else I_ILL_LEGAL
    f[field] = f[field][:-1] + ' - contenu retir\udcc3 conform"'
