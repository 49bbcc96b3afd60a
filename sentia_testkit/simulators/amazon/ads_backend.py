"""Amazon Ads state: per advertiser, profiles with Sponsored Products campaigns, ad groups and keywords, and daily
performance derived deterministically from each campaign's baseline in fixtures/amazon/ads.json (weekday pattern
times a fixed per-day variation), so a report for any date range has stable, plausible numbers."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

CAMPAIGN_COLUMNS = frozenset({
    "campaignId", "campaignName", "campaignStatus", "campaignBudgetAmount", "campaignBudgetCurrencyCode",
    "campaignBudgetType", "impressions", "clicks", "cost", "costPerClick", "clickThroughRate",
    "purchases1d", "purchases7d", "purchases14d", "purchases30d", "sales1d", "sales7d", "sales14d", "sales30d",
    "unitsSoldClicks1d", "unitsSoldClicks7d", "unitsSoldClicks14d", "unitsSoldClicks30d",
    "date", "startDate", "endDate",
})  # fmt: skip
REPORT_PROGRESSION = ("PENDING", "PROCESSING", "COMPLETED")
MAX_REPORT_DAYS = 31


class AdsBackend:
    def __init__(self, seed: dict[str, Any], clock: Callable[[], datetime]) -> None:
        self._seed = seed
        self._clock = clock
        self.profiles: dict[str, dict[str, Any]] = {}
        self.advertisers: dict[str, set[str]] = {}
        self.reports: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.reset()

    def reset(self) -> None:
        self.today = self._clock().date()
        self.profiles.clear()
        self.advertisers.clear()
        self.reports.clear()
        self.files.clear()
        for advertiser, data in self._seed["advertisers"].items():
            for profile in data["profiles"]:
                self.profiles[profile["profileId"]] = json.loads(json.dumps(profile))
                self.advertisers.setdefault(advertiser, set()).add(profile["profileId"])

    # Entities -----------------------------------------------------------------------------------------------

    def campaigns(self, profile_id: str) -> list[dict[str, Any]]:
        profile = self.profiles[profile_id]
        return [
            {
                "campaignId": campaign["campaignId"],
                "name": campaign["name"],
                "state": campaign["state"],
                "targetingType": campaign["targetingType"],
                "budget": {"budget": float(campaign["budget"]), "budgetType": "DAILY"},
                "startDate": (self.today - timedelta(days=campaign["startDaysAgo"])).isoformat(),
                "dynamicBidding": {"strategy": "LEGACY_FOR_SALES", "placementBidding": []},
                "tags": {},
                **({"portfolioId": campaign["portfolioId"]} if campaign.get("portfolioId") else {}),
            }
            for campaign in profile["campaigns"]
        ]

    def ad_groups(self, profile_id: str) -> list[dict[str, Any]]:
        return [
            {
                "adGroupId": group["adGroupId"],
                "campaignId": group["campaignId"],
                "name": group["name"],
                "state": group["state"],
                "defaultBid": float(group["defaultBid"]),
            }
            for group in self.profiles[profile_id]["adGroups"]
        ]

    def keywords(self, profile_id: str) -> list[dict[str, Any]]:
        return [
            {
                "keywordId": keyword["keywordId"],
                "adGroupId": keyword["adGroupId"],
                "campaignId": keyword["campaignId"],
                "keywordText": keyword["keywordText"],
                "matchType": keyword["matchType"],
                "state": keyword["state"],
                "bid": float(keyword["bid"]),
            }
            for keyword in self.profiles[profile_id]["keywords"]
        ]

    # Performance --------------------------------------------------------------------------------------------

    def daily(self, profile_id: str, index: int, campaign: dict[str, Any], day: date) -> dict[str, float]:
        """One campaign's metrics on one day: zero before it started or unless it is enabled."""
        start = self.today - timedelta(days=campaign["startDaysAgo"])
        base = campaign["daily"]
        if campaign["state"] != "ENABLED" or day < start or day > self.today:
            return {"impressions": 0, "clicks": 0, "cost": 0.0, "purchases": 0, "sales": 0.0}
        weekday = self._seed["weekday_factors"][day.weekday()]
        factor = weekday * (1 + ((day.toordinal() * 7 + index * 13) % 11 - 5) / 50)
        purchases = round(base["purchases"] * factor)
        unit_sales = base["sales"] / base["purchases"] if base["purchases"] else 0.0
        return {
            "impressions": round(base["impressions"] * factor),
            "clicks": round(base["clicks"] * factor),
            "cost": round(base["cost"] * factor, 2),
            "purchases": purchases,
            "sales": round(purchases * unit_sales, 2),
        }

    def report_rows(self, profile_id: str, report: dict[str, Any]) -> list[dict[str, Any]]:
        configuration = report["configuration"]
        first, last = date.fromisoformat(report["startDate"]), date.fromisoformat(report["endDate"])
        days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        profile = self.profiles[profile_id]
        rows = []
        for index, campaign in enumerate(profile["campaigns"]):
            periods = [[day] for day in days] if configuration["timeUnit"] == "DAILY" else [days]
            for period in periods:
                totals = {"impressions": 0.0, "clicks": 0.0, "cost": 0.0, "purchases": 0.0, "sales": 0.0}
                for day in period:
                    for key, value in self.daily(profile_id, index, campaign, day).items():
                        totals[key] += value
                if not totals["impressions"]:
                    continue
                row = self._row(profile, campaign, totals, period)
                rows.append({column: row[column] for column in configuration["columns"]})
        return rows

    @staticmethod
    def _row(
        profile: dict[str, Any], campaign: dict[str, Any], totals: dict[str, float], period: list[date]
    ) -> dict[str, Any]:
        clicks, cost = int(totals["clicks"]), round(totals["cost"], 2)
        row: dict[str, Any] = {
            "campaignId": campaign["campaignId"],
            "campaignName": campaign["name"],
            "campaignStatus": campaign["state"],
            "campaignBudgetAmount": float(campaign["budget"]),
            "campaignBudgetCurrencyCode": profile["currencyCode"],
            "campaignBudgetType": "DAILY",
            "impressions": int(totals["impressions"]),
            "clicks": clicks,
            "cost": cost,
            "costPerClick": round(cost / clicks, 2) if clicks else 0.0,
            "clickThroughRate": round(clicks / totals["impressions"], 4),
            "date": period[0].isoformat(),
            "startDate": period[0].isoformat(),
            "endDate": period[-1].isoformat(),
        }
        for window in ("1d", "7d", "14d", "30d"):
            row[f"purchases{window}"] = int(totals["purchases"])
            row[f"sales{window}"] = round(totals["sales"], 2)
            row[f"unitsSoldClicks{window}"] = int(totals["purchases"])
        return row

    # Reports ------------------------------------------------------------------------------------------------

    def create_report(self, profile_id: str, body: dict[str, Any]) -> dict[str, Any]:
        now = self._clock().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        report = {
            "reportId": str(uuid.uuid4()),
            "name": body.get("name"),
            "status": "PENDING",
            "startDate": body["startDate"],
            "endDate": body["endDate"],
            "configuration": body["configuration"],
            "createdAt": now,
            "updatedAt": now,
            "url": None,
            "urlExpiresAt": None,
            "fileSize": None,
            "failureReason": None,
            "_profile": profile_id,
        }
        self.reports[report["reportId"]] = report
        return self.public(report)

    @staticmethod
    def public(report: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in report.items() if not key.startswith("_")}

    def poll(self, report: dict[str, Any], download_base: str) -> dict[str, Any]:
        """Each poll moves the report one step towards COMPLETED; the file is built when it gets there."""
        if report["status"] not in REPORT_PROGRESSION[:-1]:  # COMPLETED, or FAILED as a test set it
            return self.public(report)
        report["status"] = REPORT_PROGRESSION[REPORT_PROGRESSION.index(report["status"]) + 1]
        now = self._clock()
        report["updatedAt"] = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if report["status"] == "COMPLETED":
            content = gzip.compress(json.dumps(self.report_rows(report["_profile"], report)).encode(), mtime=0)
            self.files[report["reportId"]] = content
            report["fileSize"] = len(content)
            report["url"] = f"{download_base}/_simulator/ads-reports/{report['reportId']}.json.gz"
            report["urlExpiresAt"] = (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return self.public(report)
