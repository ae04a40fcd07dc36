"""The campaign procedure (考评活动): periodic assessments of many units by one office (STA, LRN, ORG, SAF, CAD).

Pure domain: rules (the texts cited), periods and deadlines, ranking with quotas, composites across periods,
performance claims and faults, bottom-two consequences and the cadre ranking bonus. The state machine is in
table.py / facts.py / guards.py.
"""
