"""Synthetic Peruvian small-business loan applications with a known true risk (``synthetic_sme``).

The story
---------
A microfinance lender in Peru receives applications from micro and small businesses
(bodegas, market stalls, workshops, mototaxi owners, farmers) from 2022 to 2025. More than
half of the applicants are *thin-file*: they have never had a formal loan, so the credit
bureau has no record and no score for them. A traditional rule ("bureau score at least 600,
no score no loan") declines all of them, although most are viable: their bad rate is only
slightly above the others'. Alternative data lets the lender see them: inflows to a digital
wallet (Yape/Plin-like) and how steady they are, how punctually the owner pays utility and
phone bills and suppliers, the shop's reputation on online marketplaces, and the business's
own revenue and margin.

Each applicant has two hidden traits that shape the data: business health ``h`` (sales,
margins, reputation, digital activity) and payment discipline ``d`` (bills, suppliers, past
delinquency, bureau score), standard normal with correlation 0.3. Observed columns are noisy
views of them, so no single column tells the whole story. Over the four years digital-wallet
and marketplace use grow and the thin-file share falls a little, as they did in Peru.

How default depends on the features
-----------------------------------
The log-odds of default within 12 months, ``f(x)``, is a fixed, smooth, non-linear function
of the *observed* columns only, a sum of named pieces (see :func:`logit_terms`):

- payment punctuality: utility and phone on-time ratios lower risk, steeply below about 80%
  (softplus hinge); suppliers paid late raise it (log of the average delay);
- digital activity: volatile wallet inflows raise risk, three times as steeply for thin-file
  applicants (interaction: without a bureau record, cash-flow stability is what tells);
  dormant wallets (days since the last transaction) and few transactions raise it;
- bureau history, when it exists: the score lowers risk, the worst past delinquency raises it
  (log), prior loans help a little;
- business fundamentals: thin margins (below about 10%) raise risk sharply; the loan as a
  share of annual revenue raises it with a sector-specific slope (agriculture and transport
  most sensitive: interaction); existing debt to revenue raises it; young and informal (no
  RUC) businesses are riskier; a good marketplace rating and many reviews lower it;
- informative missingness: no wallet *and* no bureau record (an applicant invisible to both)
  adds a penalty; no utility bill in the owner's name adds a little; a missing phone record
  (prepaid) or marketplace rating is neutral;
- the request and the place: longer terms, debt consolidation and the jungle regions add a
  little; small household and workforce effects.

Every piece moves in the direction the spec's ``monotone`` entries state. Owner gender and
age never enter ``f(x)``; they are protected attributes kept to screen outcomes (they do
correlate with some features, as in real portfolios).

An applicant-level latent term ``u ~ Normal(0, LATENT_SD = 0.8)`` (luck, family shocks, the
unobserved rest of the business) is added: ``default_12m ~ Bernoulli(sigmoid(f(x) + u))``.
``u`` is not in the data, so the best any model can do is the oracle
``true_pd = E_u[sigmoid(f(x) + u)]``, computed by Gauss-Hermite quadrature (equivalently,
``default_12m ~ Bernoulli(true_pd)``). ``u`` caps the oracle's AUC (about 0.84 on 50,000
rows) and caps every model equally; the bad rate is about 11.5%, the thin-file share about
55%, and the bureau score alone reaches an AUC about 0.10 below the oracle.

Columns (in frame order)
------------------------
Identity (never features):
    application_id : str, "SME-000001", numbered in application-date order
    application_date : datetime64[ns], 2022-01-01 to 2025-12-31, uniform
    owner_name : str, Faker (Spanish locale) first name and two surnames
    business_name : str, sector word and owner's name, sometimes a legal form
    address : str, "street number, city, department"
Owner (protected attributes, not features):
    owner_gender : str, "F" or "M"
    owner_age : int64, years, 18 to 80, gamma-shaped, median about 41
Segments (not features):
    sector : str, one of :data:`SECTORS` (also a feature)
    region : str, one of :data:`REGIONS`, Peru's 24 departments and Callao, weighted by
        population (Lima about a third) (also a feature)
    size_band : str, one of :data:`SIZE_BANDS`, from ``employees``
    thin_file : int64, 1 when the bureau has no record of the applicant, else 0
Business:
    years_operating : int64, years, >= 0
    employees : int64, workers including the owner, 1 to 60
    tax_registered : int64, 1 when the business has a RUC (formal tax registration), else 0
    household_size : int64, people in the owner's household, 1 to 12
Alternative data:
    wallet_inflow_pen : float64, PEN per month received in a digital wallet, 0 without one
    wallet_inflow_volatility : float64, coefficient of variation of monthly wallet inflows,
        >= 0, NaN without a wallet
    wallet_txn_per_month : int64, wallet transactions per month, 0 to 3,000, 0 without a wallet
    days_since_last_txn : float64, days since the last wallet transaction, 0 to 365, NaN
        without a wallet
    utility_on_time_ratio : float64, share of the last 12 utility bills paid on time, 0 to 1,
        NaN when no bill is in the owner's name
    phone_on_time_ratio : float64, same for the phone bill, NaN for prepaid phones
    supplier_delay_days : float64, average days past due to suppliers, >= 0
    marketplace_rating : float64, stars, 1 to 5, NaN when not on a marketplace
    marketplace_reviews : int64, review count, >= 0, 0 when not on a marketplace
    web_presence : str, one of :data:`WEB_PRESENCE`
Traditional data:
    bureau_score : float64, points, 300 to 900, NaN for thin-file applicants
    prior_loans : int64, formal loans on the bureau record, >= 1, 0 for thin-file applicants
    worst_delinquency_days : float64, days, worst past delinquency, >= 0, NaN for thin-file
    existing_debt_pen : float64, PEN, declared outstanding debt (informal debt for some
        thin-file applicants), >= 0
Business performance and ratios:
    monthly_revenue_pen : float64, PEN per month, log-normal, median about 6,300
    profit_margin : float64, monthly profit / monthly revenue, -0.5 to 0.8
    debt_to_income : float64, existing_debt_pen / (12 * monthly_revenue_pen), >= 0
    loan_to_revenue : float64, loan_amount_pen / (12 * monthly_revenue_pen), >= 0
Loan request:
    loan_amount_pen : float64, PEN, 1,000 to 100,000 in steps of 100, median about 9,000
    loan_term_months : int64, months, one of :data:`TERMS_MONTHS`
    loan_purpose : str, one of :data:`PURPOSES`
Outcome and oracle:
    default_12m : int64, 1 when the loan defaulted within 12 months (bad), else 0
    true_pd : float64, probability of default given the observed columns, 0 to 1 (oracle:
        never a model input)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker
from faker.config import AVAILABLE_LOCALES

SECTORS: tuple[str, ...] = (
    "Retail",
    "Food service",
    "Textiles and apparel",
    "Transport",
    "Agriculture",
    "Construction",
    "Personal services",
    "Manufacturing",
)
_SECTOR_SHARE = np.array([0.31, 0.16, 0.08, 0.09, 0.10, 0.06, 0.12, 0.08])
_SECTOR_FEMALE = np.array([0.62, 0.72, 0.70, 0.12, 0.40, 0.10, 0.60, 0.35])
_SECTOR_REVENUE = np.array([0.0, 0.05, 0.0, 0.15, -0.1, 0.3, -0.15, 0.25])  # log-PEN shift
_SECTOR_MARGIN = np.array([-0.04, 0.02, 0.03, 0.0, 0.0, 0.02, 0.08, 0.02])
_SECTOR_TICKET = np.array([18.0, 22.0, 45.0, 12.0, 80.0, 120.0, 30.0, 90.0])  # PEN per txn
_SECTOR_VOLATILITY = np.array([0.0, 0.05, 0.1, 0.05, 0.45, 0.25, 0.0, 0.1])  # log shift
_SECTOR_LTR_SLOPE = np.array([1.6, 1.8, 2.1, 2.9, 3.4, 2.3, 1.6, 2.0])  # logit per unit

# Department, approximate share of Peru's population in percent (rounded), capital city,
# zone (0 coast, 1 highlands, 2 jungle).
_REGION_TABLE: tuple[tuple[str, float, str, int], ...] = (
    ("Lima", 32.6, "Lima", 0),
    ("Piura", 6.3, "Piura", 0),
    ("La Libertad", 6.2, "Trujillo", 0),
    ("Arequipa", 4.7, "Arequipa", 1),
    ("Cajamarca", 4.6, "Cajamarca", 1),
    ("Junín", 4.2, "Huancayo", 1),
    ("Cusco", 4.1, "Cusco", 1),
    ("Lambayeque", 4.0, "Chiclayo", 0),
    ("Puno", 3.8, "Puno", 1),
    ("Áncash", 3.5, "Huaraz", 1),
    ("Callao", 3.4, "Callao", 0),
    ("Loreto", 3.2, "Iquitos", 2),
    ("Ica", 2.9, "Ica", 0),
    ("San Martín", 2.9, "Moyobamba", 2),
    ("Huánuco", 2.3, "Huánuco", 1),
    ("Ayacucho", 2.1, "Ayacucho", 1),
    ("Ucayali", 1.7, "Pucallpa", 2),
    ("Apurímac", 1.3, "Abancay", 1),
    ("Amazonas", 1.3, "Chachapoyas", 2),
    ("Huancavelica", 1.1, "Huancavelica", 1),
    ("Tacna", 1.1, "Tacna", 0),
    ("Pasco", 0.8, "Cerro de Pasco", 1),
    ("Tumbes", 0.8, "Tumbes", 0),
    ("Moquegua", 0.6, "Moquegua", 0),
    ("Madre de Dios", 0.5, "Puerto Maldonado", 2),
)
REGIONS: tuple[str, ...] = tuple(row[0] for row in _REGION_TABLE)
_REGION_SHARE = np.array([row[1] for row in _REGION_TABLE]) / sum(r[1] for r in _REGION_TABLE)
_REGION_CITY = np.array([row[2] for row in _REGION_TABLE], dtype=object)
_REGION_ZONE = np.array([row[3] for row in _REGION_TABLE])
_ZONE_LOGIT = np.array([0.0, 0.1, 0.26])

PURPOSES: tuple[str, ...] = (
    "Working capital",
    "Inventory",
    "Equipment",
    "Premises improvement",
    "Debt consolidation",
)
_PURPOSE_LOGIT = np.array([0.0, -0.07, -0.13, 0.0, 0.45])
WEB_PRESENCE: tuple[str, ...] = ("None", "Social media", "Website")
TERMS_MONTHS: tuple[int, ...] = (6, 9, 12, 18, 24, 36)
SIZE_BANDS: tuple[str, ...] = ("1 worker", "2-4 workers", "5+ workers")
FIRST_DATE = np.datetime64("2022-01-01")
LAST_DATE = np.datetime64("2025-12-31")

LATENT_SD = 0.8  # sd of the applicant-level latent log-odds term u, not in the data
_BASE_LOGIT = -2.9
_POOL_SIZE = 1_500
_NUMERIC_INPUTS: tuple[str, ...] = (
    "thin_file", "years_operating", "employees", "tax_registered", "household_size",
    "wallet_inflow_volatility", "wallet_txn_per_month", "days_since_last_txn",
    "utility_on_time_ratio", "phone_on_time_ratio", "supplier_delay_days", "marketplace_rating",
    "marketplace_reviews", "bureau_score", "prior_loans", "worst_delinquency_days",
    "profit_margin", "debt_to_income", "loan_to_revenue", "loan_term_months",
)  # fmt: skip
_PERUVIAN_SURNAMES: tuple[str, ...] = (
    "Quispe", "Flores", "Sánchez", "Rodríguez", "García", "Rojas", "Mamani", "Huamán",
    "Ramos", "Chávez", "Vásquez", "Mendoza", "Torres", "Castillo", "Condori", "Díaz",
    "Gutiérrez", "Vargas", "Ccopa", "Apaza", "Ticona", "Cahuana", "Espinoza", "Cruz",
)  # fmt: skip
_BUSINESS_WORD = np.array(
    ["Bodega", "Restaurante", "Confecciones", "Transportes", "Agropecuaria", "Ferretería",
     "Servicios", "Taller"],
    dtype=object,
)  # fmt: skip
_LEGAL_FORM = np.array(["", "", " E.I.R.L.", " S.A.C."], dtype=object)
_STREET_PREFIX = np.array(["Av.", "Jr.", "Calle", "Psje."], dtype=object)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def _faker_locale() -> str:
    for locale in ("es_PE", "es_ES", "es"):
        if locale in AVAILABLE_LOCALES:
            return locale
    return "en_US"


def _identity_columns(
    rng: np.random.Generator, female: np.ndarray, sector: np.ndarray, region: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Owner names, business names and addresses sampled from small Faker-made pools."""
    fake = Faker(_faker_locale())
    fake.seed_instance(int(rng.integers(2**31)))
    pool_female = np.array([fake.first_name_female() for _ in range(_POOL_SIZE)], dtype=object)
    pool_male = np.array([fake.first_name_male() for _ in range(_POOL_SIZE)], dtype=object)
    surnames = [fake.last_name() for _ in range(_POOL_SIZE)]
    pool_surname = np.array(surnames + list(_PERUVIAN_SURNAMES) * 20, dtype=object)
    pool_street = np.array([fake.last_name() for _ in range(_POOL_SIZE)], dtype=object)

    n = len(female)
    female_first = rng.choice(pool_female, size=n)
    male_first = rng.choice(pool_male, size=n)
    first = np.where(female, female_first, male_first).astype(object)
    surname1 = rng.choice(pool_surname, size=n)
    surname2 = rng.choice(pool_surname, size=n)
    owner_name = first + " " + surname1 + " " + surname2

    legal = rng.choice(_LEGAL_FORM, size=n)
    use_first = rng.random(n) < 0.3
    business_name = (
        _BUSINESS_WORD[sector] + " " + np.where(use_first, first, surname1) + legal
    ).astype(object)

    number = rng.integers(1, 2_000, size=n).astype(str).astype(object)
    street = rng.choice(_STREET_PREFIX, size=n) + " " + rng.choice(pool_street, size=n)
    address = street + " " + number + ", " + _REGION_CITY[region] + ", " + _region_names(region)
    return owner_name, business_name, address


def _region_names(region: np.ndarray) -> np.ndarray:
    return np.array(REGIONS, dtype=object)[region]


def _binomial_ratio(rng: np.random.Generator, p: np.ndarray, months: int = 12) -> np.ndarray:
    return rng.binomial(months, p) / months


def logit_terms(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The additive pieces of the default log-odds ``f(x)``, computed from observed columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Applications with the feature columns of :func:`generate_sme` (and ``thin_file``).

    Returns
    -------
    dict of str to ndarray of shape (n_samples,)
        Named pieces in log-odds; ``f(x) = _BASE_LOGIT + sum(pieces)``. A piece never
        decreases (increases) in a feature the spec marks monotone +1 (-1).
    """
    c = {name: frame[name].to_numpy() for name in _NUMERIC_INPUTS}
    sector = pd.Categorical(frame["sector"], categories=SECTORS).codes
    zone = _REGION_ZONE[pd.Categorical(frame["region"], categories=REGIONS).codes]
    purpose = pd.Categorical(frame["loan_purpose"], categories=PURPOSES).codes
    thin = c["thin_file"].astype(float)
    has_wallet = ~np.isnan(c["wallet_inflow_volatility"])
    vol = np.nan_to_num(c["wallet_inflow_volatility"], nan=0.0)
    utility = c["utility_on_time_ratio"]
    phone = c["phone_on_time_ratio"]
    days = np.nan_to_num(c["days_since_last_txn"], nan=0.0)
    score = np.nan_to_num(c["bureau_score"], nan=650.0)
    worst = np.nan_to_num(c["worst_delinquency_days"], nan=0.0)
    rating = c["marketplace_rating"]
    return {
        # Payment punctuality: steep below about 80% on time; no bill in the owner's name.
        "utility": np.where(
            np.isnan(utility), 0.3, 3.6 * _softplus(8.0 * (0.8 - np.nan_to_num(utility))) / 8.0
        ),
        "phone": np.where(
            np.isnan(phone), 0.0, 1.5 * _softplus(8.0 * (0.8 - np.nan_to_num(phone))) / 8.0
        ),
        "supplier": 0.6 * np.log1p(c["supplier_delay_days"]) - 0.9,
        # Digital activity; volatility bites harder without a bureau record (interaction).
        "volatility": np.where(has_wallet, (0.65 + 1.3 * thin) * np.minimum(vol - 0.35, 1.2), 0.0),
        "dormancy": np.where(has_wallet, 0.45 * np.log1p(days / 7.0), 0.0),
        "transactions": -0.15 * np.log1p(c["wallet_txn_per_month"]),
        # Bureau history when it exists; informative missingness when it does not.
        "bureau": (1.0 - thin)
        * (
            -0.7 * (score - 650.0) / 100.0
            + 0.45 * np.log1p(worst / 15.0)
            - 0.1 * np.minimum(c["prior_loans"], 6)
        ),
        "no_record": thin * np.where(has_wallet, 0.0, 0.6),
        # Business fundamentals; the loan-size slope depends on the sector (interaction).
        "margin": 3.9 * _softplus(12.0 * (0.1 - c["profit_margin"])) / 12.0,
        "loan_size": _SECTOR_LTR_SLOPE[sector] * np.minimum(c["loan_to_revenue"], 1.5),
        "debt": 1.2 * np.minimum(c["debt_to_income"], 2.0),
        "age_of_business": -0.45 * np.log1p(c["years_operating"]) + 0.5,
        "formality": -0.3 * c["tax_registered"],
        "reputation": np.where(np.isnan(rating), 0.0, -0.6 * (np.nan_to_num(rating) - 4.0))
        - 0.05 * np.log1p(c["marketplace_reviews"]),
        "size": -0.1 * np.log(c["employees"]) + 0.05 * (c["household_size"] - 4),
        # The request and the place.
        "request": 0.015 * (c["loan_term_months"] - 12) + _PURPOSE_LOGIT[purpose],
        "place": _ZONE_LOGIT[zone],
    }


def default_logit(frame: pd.DataFrame) -> np.ndarray:
    """Log-odds of default ``f(x)`` of shape (n_samples,), before the latent term."""
    return _BASE_LOGIT + np.sum(list(logit_terms(frame).values()), axis=0)


def true_pd(frame: pd.DataFrame) -> np.ndarray:
    """Probability of default given the observed columns, of shape (n_samples,), in [0, 1]."""
    return _marginal_pd(default_logit(frame), LATENT_SD)


def _marginal_pd(logit: np.ndarray, latent_sd: float) -> np.ndarray:
    """``E_u[sigmoid(logit + u)]`` for ``u ~ Normal(0, latent_sd)``, by Gauss-Hermite (40 nodes)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    return _sigmoid(logit[:, None] + latent_sd * nodes[None, :]) @ weights


def generate_sme(n_rows: int, *, random_state: int = 0) -> pd.DataFrame:
    """Generate ``n_rows`` synthetic Peruvian small-business loan applications.

    Parameters
    ----------
    n_rows : int
        Number of applications, >= 1.
    random_state : int, default 0
        Seed of the one random generator (Faker is seeded from it too). The same seed gives
        the same frame and the same Parquet bytes, with the same numpy, pandas and Faker
        versions.

    Returns
    -------
    pandas.DataFrame of shape (n_rows, 38)
        The columns listed in this module's docstring, sorted by ``application_date``.

    Raises
    ------
    TypeError
        When ``n_rows`` is not an int.
    ValueError
        When ``n_rows`` is below 1.
    """
    if isinstance(n_rows, bool) or not isinstance(n_rows, int | np.integer):
        raise TypeError(f"`n_rows` must be an int; got {n_rows!r}.")
    if n_rows < 1:
        raise ValueError(f"`n_rows` must be at least 1; got {n_rows!r}.")
    rng = np.random.default_rng(random_state)
    n = int(n_rows)
    normal = rng.standard_normal

    span = int((LAST_DATE - FIRST_DATE).astype(int))
    day = np.sort(rng.integers(0, span + 1, size=n))
    t = day / span  # 0 at the start of 2022, 1 at the end of 2025
    region = rng.choice(len(REGIONS), size=n, p=_REGION_SHARE)
    zone = _REGION_ZONE[region]
    lima = (region == 0) | (region == REGIONS.index("Callao"))
    sector_p = np.tile(_SECTOR_SHARE, (3, 1))
    sector_p[1:, SECTORS.index("Agriculture")] *= 2.5
    sector_p /= sector_p.sum(axis=1, keepdims=True)
    sector = (rng.random(n)[:, None] > np.cumsum(sector_p[zone], axis=1)).sum(axis=1)
    sector = np.minimum(sector, len(SECTORS) - 1)

    health = normal(n)
    discipline = 0.3 * health + np.sqrt(1 - 0.3**2) * normal(n)

    female = rng.random(n) < _SECTOR_FEMALE[sector]
    age = np.minimum(18 + np.round(rng.gamma(4.5, 5.3, size=n)), 80).astype(np.int64)
    years = np.exp(1.5 + 0.03 * (age - 42) + 0.8 * normal(n)) - 1.0
    years = np.clip(np.floor(years), 0, age - 16).astype(np.int64)
    employees = 1 + rng.poisson(np.exp(0.2 + 0.35 * health + 0.15 * np.log1p(years)))
    employees = np.minimum(employees, 60).astype(np.int64)
    household = np.clip(1 + rng.poisson(2.8, size=n), 1, 12).astype(np.int64)
    tax_p = _sigmoid(-0.9 + 0.7 * health + 0.5 * np.log(employees) + 0.4 * lima + 0.08 * years)
    tax_registered = (rng.random(n) < tax_p).astype(np.int64)

    revenue = np.exp(
        np.log(4_500) + _SECTOR_REVENUE[sector] + 0.35 * health + 0.3 * np.log(employees)
        + 0.2 * lima + 0.5 * normal(n)
    ).round(0)  # fmt: skip
    margin = 0.2 + _SECTOR_MARGIN[sector] + 0.05 * health + 0.07 * normal(n)
    margin = np.clip(margin, -0.5, 0.8).round(3)

    # Digital wallet: adoption grows over the years and in Lima.
    wallet_p = _sigmoid(1.0 + 1.6 * t + 0.5 * lima + 0.3 * health - 0.03 * (age - 42))
    has_wallet = rng.random(n) < wallet_p
    digital_share = _sigmoid(-1.0 + 1.2 * t + 0.4 * lima + 0.2 * health + 0.7 * normal(n))
    inflow = np.where(has_wallet, (revenue * digital_share).round(0), 0.0)
    txn = np.minimum(rng.poisson(inflow / _SECTOR_TICKET[sector]), 3_000).astype(np.int64)
    volatility = 0.35 * np.exp(_SECTOR_VOLATILITY[sector] - 0.2 * health + 0.35 * normal(n))
    volatility = np.where(has_wallet, volatility.round(3), np.nan)
    dormant = rng.random(n) < _sigmoid(-2.6 - 0.5 * health)
    active_gap = rng.exponential(30.0 / (txn + 1.0))
    days_since = np.where(dormant, 30 + rng.exponential(60.0, n), active_gap)
    days_since = np.where(has_wallet, np.floor(np.minimum(days_since, 365.0)), np.nan)

    utility = _binomial_ratio(rng, _sigmoid(2.0 + 1.0 * discipline + 0.3 * health))
    utility = np.where(rng.random(n) < 0.9, utility, np.nan)
    phone = _binomial_ratio(rng, _sigmoid(1.9 + 0.9 * discipline))
    phone = np.where(rng.random(n) < _sigmoid(0.0 + 0.4 * health + 0.5 * lima), phone, np.nan)
    supplier_delay = np.exp(1.2 - 0.55 * discipline - 0.25 * health + 0.5 * normal(n)) - 1.0
    supplier_delay = np.maximum(supplier_delay, 0.0).round(1)

    on_market = rng.random(n) < _sigmoid(-1.1 + 0.5 * health + 1.0 * t + 0.3 * lima)
    rating = np.clip(4.1 + 0.3 * health + 0.15 * discipline + 0.35 * normal(n), 1.0, 5.0)
    rating = np.where(on_market, rating.round(1), np.nan)
    reviews = rng.poisson(np.exp(2.5 + 0.5 * health + 0.3 * np.log(employees)))
    reviews = np.where(on_market, reviews, 0).astype(np.int64)
    web_latent = 0.8 * health + 1.2 * t + 0.5 * lima + rng.logistic(size=n)
    web = np.digitize(web_latent, [0.6, 2.6])

    # Bureau: thin-file applicants (no formal credit yet) are younger, newer and informal.
    thin_p = _sigmoid(1.1 - 0.04 * (age - 42) - 0.9 * tax_registered - 0.06 * years
                      - 0.3 * t)  # fmt: skip
    thin_file = (rng.random(n) < thin_p).astype(np.int64)
    thick = thin_file == 0
    prior_loans = np.where(thick, 1 + rng.poisson(np.exp(0.4 + 0.04 * years)), 0)
    prior_loans = np.minimum(prior_loans, 30).astype(np.int64)
    ever_late = rng.random(n) < _sigmoid(-0.4 - 1.0 * discipline)
    worst = np.where(ever_late, np.exp(2.6 - 0.5 * discipline + 0.9 * normal(n)), 0.0)
    worst = np.where(thick, np.minimum(np.floor(worst), 720.0), np.nan)
    score = (
        650 + 45 * discipline + 10 * health + 12 * np.log1p(prior_loans)
        - 35 * np.log1p(np.nan_to_num(worst) / 30.0) + 85 * normal(n)
    )  # fmt: skip
    bureau_score = np.where(thick, np.clip(np.round(score), 300, 900), np.nan)
    debt = revenue * np.exp(0.2 - 0.2 * health + 0.8 * normal(n))
    has_debt = rng.random(n) < np.where(thick, 0.8, 0.25)
    existing_debt = np.where(has_debt, (debt * np.where(thick, 1.0, 0.4)).round(-1), 0.0)

    # The request.
    amount = revenue * np.exp(0.3 + 0.1 * thick + 0.55 * normal(n))
    amount = np.clip(np.round(amount, -2), 1_000, 100_000)
    term_idx = np.clip(np.round(2.0 + 0.9 * np.log(amount / 8_000) + 0.8 * normal(n)), 0, 5)
    term = np.array(TERMS_MONTHS)[term_idx.astype(int)].astype(np.int64)
    purpose_logits = np.zeros((n, len(PURPOSES)))
    purpose_logits[:, :4] = np.log([0.45, 0.2, 0.15, 0.1])
    purpose_logits[:, 4] = np.log(0.03) + 1.2 * np.minimum(existing_debt / (12 * revenue), 2.0)
    gumbel = rng.gumbel(size=(n, len(PURPOSES)))
    purpose = np.argmax(purpose_logits + gumbel, axis=1)

    owner_name, business_name, address = _identity_columns(rng, female, sector, region)
    ids = np.char.add("SME-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    frame = pd.DataFrame(
        {
            "application_id": ids.astype(object),
            "application_date": (FIRST_DATE + day.astype("timedelta64[D]")).astype("M8[ns]"),
            "owner_name": owner_name,
            "business_name": business_name,
            "address": address,
            "owner_gender": np.where(female, "F", "M").astype(object),
            "owner_age": age,
            "sector": np.array(SECTORS, dtype=object)[sector],
            "region": _region_names(region),
            "size_band": np.array(SIZE_BANDS, dtype=object)[np.digitize(employees, [2, 5])],
            "thin_file": thin_file,
            "years_operating": years,
            "employees": employees,
            "tax_registered": tax_registered,
            "household_size": household,
            "wallet_inflow_pen": inflow,
            "wallet_inflow_volatility": volatility,
            "wallet_txn_per_month": txn,
            "days_since_last_txn": days_since,
            "utility_on_time_ratio": utility,
            "phone_on_time_ratio": phone,
            "supplier_delay_days": supplier_delay,
            "marketplace_rating": rating,
            "marketplace_reviews": reviews,
            "web_presence": np.array(WEB_PRESENCE, dtype=object)[web],
            "bureau_score": bureau_score,
            "prior_loans": prior_loans,
            "worst_delinquency_days": worst,
            "existing_debt_pen": existing_debt,
            "monthly_revenue_pen": revenue,
            "profit_margin": margin,
            "debt_to_income": (existing_debt / (12 * revenue)).round(4),
            "loan_to_revenue": (amount / (12 * revenue)).round(4),
            "loan_amount_pen": amount,
            "loan_term_months": term,
            "loan_purpose": np.array(PURPOSES, dtype=object)[purpose],
        }
    )
    # Default: the latent term u is drawn per applicant and never stored.
    logit = default_logit(frame)
    latent = LATENT_SD * normal(n)
    frame["default_12m"] = (rng.random(n) < _sigmoid(logit + latent)).astype(np.int64)
    frame["true_pd"] = _marginal_pd(logit, LATENT_SD)
    return frame
