"""Our identifiers (workflow ids) → the codes the document renderers in ``webapp/documents`` take."""

LEVEL_CODES = {"second": "L2", "first": "L1", "special": "SPECIAL"}
KIND_CODES = {"evaluation": "EVALUATION", "recheck": "RECHECK"}
TIER_CODES = {
    "provincial_direct": "PROV_DIRECT",
    "city_direct": "CITY_DIRECT",
    "county_direct": "COUNTY_DIRECT",
    "township": "TOWNSHIP",
}
