"""The embedded sample: Komae City's 第1次再犯防止推進計画 (seed 001), shipped as plan files."""
from __future__ import annotations

from pathlib import Path

from workbook.domain.plan import Department, Plan
from workbook.files.plan_import import import_plan
from workbook.domain.settings import Settings

DATA = Path(__file__).resolve().parent.parent / "data"
KOMAE_PLAN = DATA / "komae_plan.csv"
KOMAE_INDICATORS = DATA / "komae_indicators.csv"
MUNICIPALITY = "狛江市"
PLAN_NAME = "狛江市第1次再犯防止推進計画"

# Contacts are sample values (the seed gives only the city's main number); the mail addresses use the
# reserved .example domain, so a draft sent by mistake reaches nobody.
_SAMPLE_CONTACTS = {
    "福祉政策課": ("（サンプル）地域福祉係", "03-3430-1111（代表）", "fukushiseisaku@sample.komae.example"),
    "福祉相談課": ("（サンプル）相談支援係", "03-3430-1111（代表）", "fukushisodan@sample.komae.example"),
    "学校教育課": ("（サンプル）学務係", "03-3430-1111（代表）", "gakkokyoiku@sample.komae.example"),
    "指導室": ("（サンプル）指導主事", "03-3430-1111（代表）", "shidoshitsu@sample.komae.example"),
    "まちづくり推進課": ("（サンプル）住宅係", "03-3430-1111（代表）", "machizukuri@sample.komae.example"),
}


def komae_plan() -> Plan:
    plan = import_plan(KOMAE_PLAN, MUNICIPALITY, PLAN_NAME, indicators_path=KOMAE_INDICATORS)
    plan.departments[:] = [Department(d.name, *_SAMPLE_CONTACTS.get(d.name, ("", "", ""))) for d in plan.departments]
    return plan


def komae_settings(fiscal_year: int = 6) -> Settings:
    return Settings(
        municipality=MUNICIPALITY,
        plan_name=PLAN_NAME,
        fiscal_year=fiscal_year,
        deadline="令和7年5月30日（金）",
        contact="福祉政策課 地域福祉係（サンプル） 03-3430-1111（代表）",
        sender="福祉保健部福祉政策課長",
        sender_name="（サンプル）狛江 一郎",
    )
