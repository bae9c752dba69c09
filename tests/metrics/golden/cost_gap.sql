SELECT
  *
FROM (
  SELECT
    "t1"."platform",
    COALESCE(SUM("t1"."spend_reporting"), 0) AS "spend",
    COALESCE(SUM("t1"."clicks"), 0) AS "clicks",
    COALESCE(SUM("t1"."impressions"), 0) AS "impressions"
  FROM (
    SELECT
      *
    FROM "ad_performance" AS "t0"
    WHERE
      "t0"."date_day" >= MAKE_DATE(2026, 9, 1)
      AND "t0"."period_end" <= MAKE_DATE(2026, 9, 30)
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."platform" ASC
