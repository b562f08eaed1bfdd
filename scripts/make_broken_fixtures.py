"""Regenerate tests/fixtures/broken/: one folder per mistake, holding only what differs from base/.

Run from the repository root: python scripts/make_broken_fixtures.py
"""
import json, shutil
from pathlib import Path
BASE = Path("tests/fixtures/base"); BROKEN = Path("tests/fixtures/broken")
shutil.rmtree(BROKEN, ignore_errors=True)

def lines(rel): return (BASE / rel).read_text().splitlines(keepends=True)

def case(name, description, errors, files=None, remove=None, rename=None, raw=None):
    d = BROKEN / name; d.mkdir(parents=True)
    for rel, text in (files or {}).items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True); (d / rel).write_text(text)
    for rel, data in (raw or {}).items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True); (d / rel).write_bytes(data)
    c = {"description": description, "errors": [dict(zip(["package","resource","row","field","code"], e)) for e in errors]}
    if remove: c["remove"] = remove
    if rename: c["rename_fields"] = rename
    (d / "case.json").write_text(json.dumps(c, indent=2) + "\n")

def edit(rel, row, col, value):
    ls = lines(rel); header = ls[0].rstrip("\n").split(",")
    cells = ls[row-1].rstrip("\n").split(","); cells[header.index(col)] = value
    ls[row-1] = ",".join(cells) + "\n"; return {rel: "".join(ls)}

def replace_line(rel, row, text):
    ls = lines(rel); ls[row-1] = text + "\n"; return {rel: "".join(ls)}

def insert_line(rel, row, text):
    ls = lines(rel); ls.insert(row-1, text + "\n"); return {rel: "".join(ls)}

O = "indicators/observations.csv"
I = "indicators/indicators.csv"
A = "places/areas.csv"
case("wrong-type", "A value that is not a number.", [("indicators","observations",3,"value","type-error")], edit(O,3,"value","forty"))
case("missing-required", "An indicator with no title.", [("indicators","indicators",2,"title","constraint-error")], edit(I,2,"title",""))
case("enum-value", "A polarity outside the allowed list.", [("indicators","indicators",3,"polarity","constraint-error")], edit(I,3,"polarity","up"))
case("bad-date", "A date that does not exist.", [("targets","agreements",2,"end","type-error")], edit("targets/agreements.csv",2,"end","2022-02-30"))
case("unknown-area-code", "An observation for an area not in places/areas.", [("indicators","observations",4,"area_code","unknown-reference")], edit(O,4,"area_code","E05999999"))
case("unknown-indicator-in-target", "A target on an indicator that does not exist.", [("targets","targets",2,"indicator_id","unknown-reference")], edit("targets/targets.csv",2,"indicator_id","NI999"))
case("unknown-organisation", "A target partner that is not an organisation.", [("targets","target_partners",3,"organisation_id","unknown-reference")], edit("targets/target_partners.csv",3,"organisation_id","nobody"))
case("unknown-theme", "An indicator in a theme that does not exist (foreign key inside the package).", [("indicators","indicators",3,"theme","foreign-key")], edit(I,3,"theme","wellbeing"))
case("unknown-partnership", "A membership of a partnership that does not exist.", [("partnerships","memberships",3,"partnership_id","foreign-key")], edit("partnerships/memberships.csv",3,"partnership_id","csp"))
case("unknown-target", "A milestone for a target that does not exist.", [("targets","milestones",3,"target_id","foreign-key")], edit("targets/milestones.csv",3,"target_id","nowhere"))
case("duplicate-observation", "The same indicator, area, period and breakdown twice.", [("indicators","observations",9,"indicator_id, area_code, period, breakdown","primary-key")], {O: "".join(lines(O)) + "NI192,E08000009,2021/22,all,47.0,,,,,final,,false\n"})
case("value-outside-ci", "A value outside its own confidence interval.", [("indicators","observations",6,"value","value-outside-ci")], edit(O,6,"value","3.9"))
case("ci-order", "Lower and upper confidence limits swapped.", [("indicators","observations",7,"lower_ci","ci-order")], {O: "".join(lines(O)).replace("4.5,4.1,4.9", "4.5,4.9,4.1")})
case("percentage-over-100", "A percentage above 100.", [("indicators","observations",2,"value","percentage-out-of-range")], edit(O,2,"value","451"))
case("ward-parent-not-council", "A ward whose parent is the region.", [("places","areas",5,"parent_code","ward-parent-not-council")], edit(A,5,"parent_code","E12000002"))
case("milestone-outside-agreement", "A milestone after the agreement ends.", [("targets","milestones",3,"period","milestone-outside-agreement")], edit("targets/milestones.csv",3,"period","2022/23"))
case("indicator-scale-mismatch", "A borough target on an indicator published only for wards.", [("targets","targets",2,"indicator_id","indicator-scale-mismatch")], edit("targets/targets.csv",2,"indicator_id","ward-bad-health"))
case("period-grammar", "A financial year that does not run into the next year.", [("indicators","observations",2,"period","period-format")], edit(O,2,"period","2020/22"))
case("period-shape", "A period written another way (refused by the schema pattern).", [("indicators","observations",2,"period","constraint-error")], edit(O,2,"period","2015 - 19"))
case("date-order", "A membership that ends before it starts.", [("partnerships","memberships",2,"to","date-order")], edit("partnerships/memberships.csv",2,"to","2018-03-31"))
case("value-without-reason", "An empty value with no note saying why.", [("indicators","observations",8,"value","missing-value-reason")], edit(O,8,"note",""))
case("ragged-row-extra", "A row with a stray cell after the last column.", [("indicators","indicators",3,None,"extra-cell")], replace_line(I,3,lines(I)[2].rstrip("\n") + ",oops"))
case("ragged-row-short", "A row that stops early.", [("partnerships","memberships",3,"to","missing-cell"), ("partnerships","memberships",3,"illustrative","missing-cell")], replace_line("partnerships/memberships.csv",3,"lsp,housing-trust,member,2019-04-01"))
case("blank-row", "An empty line in the middle of a table (its empty key is reported too, as Frictionless does).", [("places","councillors",3,None,"blank-row"), ("places","councillors",3,"ward_code, name","primary-key")], insert_line("places/councillors.csv",3,""))
case("extra-column", "A column the schema does not have.", [("partnerships","organisations",1,None,"extra-label")], {"partnerships/organisations.csv": "".join(l.rstrip("\n") + (",phone\n" if i == 0 else ",0161\n") for i, l in enumerate(lines("partnerships/organisations.csv")))})
case("missing-column", "A table without its last column.", [("partnerships","organisations",1,"illustrative","missing-label")], {"partnerships/organisations.csv": "".join(l.rsplit(",", 1)[0] + "\n" for l in lines("partnerships/organisations.csv"))})
case("renamed-column", "A header that does not match the schema.", [("places","councillors",1,"party","incorrect-label")], replace_line("places/councillors.csv",1,"ward_code,name,political_party,role,page,source"))
case("duplicate-column", "The same column name twice.", [("places","councillors",1,"party","duplicate-label")], replace_line("places/councillors.csv",1,"ward_code,name,name,role,page,source"))
case("blank-column-name", "A header cell left empty.", [("places","councillors",1,"role","blank-label")], replace_line("places/councillors.csv",1,"ward_code,name,party,,page,source"))
case("empty-file", "A table exported with nothing in it.", [("targets","milestones",None,None,"file-empty")], raw={"targets/milestones.csv": b""})
case("not-utf8", "A file saved as Windows-1252 (a stray 0xE9 byte).", [("partnerships","organisations",3,None,"encoding-error")], raw={"partnerships/organisations.csv": "".join(lines("partnerships/organisations.csv")).replace("Trafford Housing Trust", "Trafford Housing Trust caf\x00").encode("utf-8").replace(b"\x00", b"\xe9")})
case("missing-resource-file", "A table named in datapackage.json whose file is missing.", [("targets","target_partners",None,None,"file-missing")], remove=["targets/target_partners.csv"])
case("missing-datapackage", "A package folder without its datapackage.json.", [("partnerships","",None,None,"package-missing")], remove=["partnerships/datapackage.json"])
case("malformed-datapackage", "A datapackage.json with a missing comma.", [("targets","",3,None,"package-malformed")], files={"targets/datapackage.json": '{\n  "name": "targets"\n  "resources": []\n}\n'})
case("contract-field-renamed", "A schema that renamed a column the site relies on.", [("indicators","indicators",None,"polarity","contract-field-missing")], rename=[["indicators","indicators","polarity","direction"]], files=replace_line(I,1,lines(I)[0].rstrip("\n").replace("polarity","direction")))
case("boundary-duplicate", "A ward drawn twice in the boundaries file.", [("places","ward_boundaries",None,"area_code","boundary-duplicate-feature")], files={"places/ward_boundaries.geojson": (BASE/"places/ward_boundaries.geojson").read_text().replace('\n]}', ',\n' + (BASE/"places/ward_boundaries.geojson").read_text().splitlines()[1].rstrip(",") + '\n]}')})
case("boundary-unknown-ward", "A boundary for a ward code not in areas.", [("places","ward_boundaries",None,"area_code","boundary-unknown-area")], files={"places/ward_boundaries.geojson": (BASE/"places/ward_boundaries.geojson").read_text().replace("E05015240", "E05015299")})
