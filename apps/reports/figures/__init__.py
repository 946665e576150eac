"""The figures of the campaign (database aggregation only), one module per step:

- `asof`: when an assessment counts (as of the end of a year);
- `counts`: the counts of a row of figures and their arithmetic (sums, shares, medians);
- `criteria`: the per-national-criterion and score figures;
- `compute`: a unit's figures from the database (`units_figures_compute`);
- `compose`: the nation from its units' stored summaries (`national_figures_compose`), the trend;
- `live`: what pages, PDFs and the API read (stored rows, else computed now);
- `store`: the services that keep the stored figures current (refresh after every decision, the
  healing task, the national snapshot);
- `fingerprint`: what the stored figures were computed from, and the full recount;
- `drilldown`: a region beside the regions below it, and the communities behind a figure.

The definitions are those of docs/figures.md (registered, participating, submitted, approved,
revoked, meeting the requirements, share). In short:

- registered in Y: communities in the registry of Y (added by 31 December of Y and not retired by
  then, `apps.communities.models.registered_q`); every other figure of Y counts the assessments of
  these communities only, so a past year never changes when the registry does;
- participating in Y: communities whose assessment of Y left draft (including those sent back);
- submitted: assessments of Y with a reviewer or decided (submitted, recommended, approved,
  revoked), i.e. participating minus those returned to the community;
- as of the end of Y (`asof`, the one place): approved in Y = assessments of Y
  approved during Y and not revoked by 31 December of Y (Asia/Shanghai); revoked in Y =
  revocations during Y (of an approval of any year); revoked since = approved in Y, revoked after
  it (today's state, shown apart); meeting the requirements at the end of Y (cumulative) =
  communities with an assessment approved before 1 January of Y+1 and not revoked by then. A
  decision taken after Y changes none of them;
- share: meeting / registered, against the 60 % target of 2022;
- late: assessments of Y first submitted after the community deadline (31 October of Y, Asia/Shanghai
  dates; `apps.core.campaign.community_submission_late`), whatever their state since.

Live figures: `compute.units_figures_compute` computes provincial units in a fixed number of
GROUP BY queries; the services of `store` keep one row per unit and year (UnitFigures) current
after every decision; the national figures are composed from the 32 stored units
(`compose.national_figures_compose`), never by reading every assessment again.
"""
