"""The held-out half of the summary benchmark: four documents of kinds the set does not have
(a hospital discharge letter, a shop lease, a product recall notice, a research grant's
progress report), written after the summariser's first version and before the brief selection
was changed, with their key facts listed by hand in heldout_facts.json before any summary of
them was run. Reported apart ("held out"): no rule or weight was chosen by reading what the
summariser picked from them. A fifth, a council's planning decision notice, was added in the
third round (points of two sentences), its facts listed before any summary of it was run.

    python benchmarks/bench_summaries.py --heldout
"""

from __future__ import annotations

from pathlib import Path

from generated import write_pdf

DISCHARGE = [
    """St Olav Community Hospital
Department of Internal Medicine

Discharge letter
Patient: Harald Vik, born 4 September 1951
Admitted: 9 October 2025. Discharged: 16 October 2025.
To: Dr Karin Moe, Brygga Medical Centre

Dear Dr Moe,

Mr Vik was admitted through the emergency department with shortness of breath and swollen
ankles that had worsened over two weeks. On arrival his oxygen saturation was 88 percent on
room air and a chest X-ray showed fluid in both lungs.

Diagnosis
Acute decompensated heart failure. An echocardiogram on 10 October showed an ejection fraction
of 35 percent, down from 50 percent in 2022. The likely trigger was atrial fibrillation, newly
found on admission.

Treatment
He was given intravenous furosemide and lost 6.5 kilograms of fluid during the stay. His heart
rate was controlled with bisoprolol. Apixaban 5 mg twice daily was started to prevent stroke.""",
    """Medication on discharge
Furosemide 40 mg once daily in the morning, bisoprolol 2.5 mg once daily and apixaban 5 mg
twice daily. Ramipril was stopped because his kidney function fell during the stay; his
creatinine was 142 micromol/L on the day of discharge.

Follow-up
Please check his creatinine and potassium within one week. He has an appointment at the heart
failure outpatient clinic on 6 November 2025. He has been asked to weigh himself every morning
and to call the clinic if he gains more than 2 kilograms in three days.

Yours sincerely,
Dr Eirik Lunde
Consultant physician""",
]

LEASE = [
    """Commercial Lease Agreement

This lease is made on 2 June 2025 between Hollund Eiendom AS (the landlord) and Bakeriet
Solsiden AS (the tenant) for the shop premises at Strandgata 14, Bergen.

1 The premises
The premises are the ground floor shop of 180 square metres with a storage room of 25 square
metres in the basement. The tenant will use the premises as a bakery and café, and for no other
purpose without the landlord's written consent.

2 Term
The lease runs for five years from 1 August 2025 to 31 July 2030. The tenant has an option to
renew it once for a further five years, given written notice at least twelve months before the
lease ends.""",
    """3 Rent
The annual rent is NOK 540,000, paid quarterly in advance. The rent is adjusted each year on
1 August by the change in the consumer price index, the first time on 1 August 2026. Common
costs for heating, cleaning of the stairwell and snow clearing are charged on account at NOK
36,000 a year and settled each spring.

4 Deposit
Before taking over the premises the tenant pays a deposit equal to six months' rent, NOK
270,000, into a blocked account in the tenant's name.""",
    """5 Fitting out and maintenance
The landlord installs a new ventilation system for the bakery's ovens before the tenant takes
over. The tenant pays for the fitting out of the shop and keeps the inside in good order. The
landlord maintains the roof, the facade and the building's pipes.

6 Termination
Neither party can end the lease before 31 July 2030, except that the landlord may end it if
the rent is more than 30 days overdue after a written warning. When the lease ends the tenant
removes its fittings and hands the premises back clean.""",
    """7 Signatures
For the landlord, Hollund Eiendom AS: Trine Hollund, managing director.
For the tenant, Bakeriet Solsiden AS: Omar Haddad, general manager.

Disputes about this lease are settled by the Bergen District Court.""",
]

RECALL = [
    """PRODUCT RECALL NOTICE
Issued 21 November 2025 by Nordkjøkken AB

Nordkjøkken AB is recalling the KettleMate 1.7 litre electric kettle, model NK-170, because
the base can overheat and melt, with a risk of fire. The recall covers kettles sold between
March 2024 and October 2025 with batch numbers 2403 to 2510, printed under the base.

About 48,000 kettles were sold in Sweden, Norway and Finland through Elkjøp, Clas Ohlson and
the Nordkjøkken web shop. The company has received 23 reports of kettles overheating, and
in two cases a kitchen counter was scorched. Nobody has been injured.

What you should do
Stop using the kettle at once and unplug it. Do not try to repair it. Return it to the shop
where you bought it, or send it free of charge with the prepaid label from the web shop, and
you will receive a full refund of the price you paid, 399 Swedish kronor for most buyers. A
receipt is not needed.

The fault was traced to a thermostat from one supplier, which Nordkjøkken has stopped using.
The recall has been agreed with the Swedish Consumer Agency.

Questions: call 020-78 41 00, open weekdays from 8 to 18, or write to recall@nordkjokken.se.""",
]

GRANT = [
    """Progress Report, Year 2
Grant NFR-331907: Early warning of landslides from fibre-optic sensing

Principal investigator: Professor Liv Tangen, Western Norway University of Applied Sciences
Reporting period: 1 January 2025 to 31 December 2025

Summary
The project tests whether the fibre-optic cables already laid along roads can warn of
landslides before they happen. In its second year the project installed sensing on 14
kilometres of cable along county road 55 and recorded three small slides, each detected between
40 minutes and 6 hours before the slope failed. The project is on schedule and within budget.""",
    """1 Objectives
The project has three objectives: to measure ground movement along existing telecom cables with
distributed acoustic sensing; to build a model that tells a moving slope from traffic and rain;
and to test a warning service with the road authority on two stretches of road.

2 Work in the second year
The sensing equipment was installed in a cabinet at Sogndal in February. It listens to 14
kilometres of cable at a spacing of 2 metres. The team placed 30 tilt meters on the slopes
above the road to have a reference for the fibre measurements.

Storms in September and October triggered three slides above the road. The fibre picked up the
movement of all three, and the model raised a warning for each before the slope failed.""",
    """3 Results
Over the year the model raised 11 warnings, of which 3 were followed by a slide and 8 were false
alarms, most of them during heavy rain. The team has since added rainfall data from the
Meteorological Institute to the model, which removed 6 of the 8 false alarms when the year's
data were run again.

A paper describing the method was accepted by the journal Landslides in November 2025. Two
conference talks were given, at the European Geosciences Union in Vienna and at the Nordic
Geotechnical Meeting.""",
    """4 People
Two PhD students, Ane Myklebust and Jonas Feng, joined the project in the first year and both
passed their midway evaluation in 2025. A postdoctoral researcher, Dr Sara Quist, was hired in
April 2025 to work on the warning model.

5 Budget
The grant is NOK 12 million over four years. By the end of 2025 the project had spent NOK 5.6
million, 2 percent below the plan. The largest costs were salaries and the sensing equipment.""",
    """6 Changes and risks
The road authority has asked to add a third stretch of road, on county road 13, to the test of
the warning service. The project proposes to do this within the budget by moving the planned
field trip to Iceland to 2027.

The main risk is that the telecom operator sells the cable along county road 55. The operator
has promised access until the end of the project in 2027.

7 Plans for year 3
The warning service will go live for the road authority's operations centre in April 2026.
The team will publish the sensing data openly once the project ends.""",
]

PLANNING = [
    """Ashcombe District Council
Planning and Building Control

Notice of Planning Decision
Town and Country Planning Act 1990

Application number: 25/01472/FUL
Applicant: Greywell Homes Ltd
Site: Former Millbrook Dairy, Station Road, Lower Hadley
Proposal: Demolition of the dairy buildings and erection of 64 homes with access, parking and
open space
Date received: 11 March 2025
Decided by: Planning Committee, 9 October 2025

Decision
Ashcombe District Council, as the local planning authority, GRANTS planning permission for the
development described above, in accordance with the application and plans submitted, subject
to the conditions set out in this notice and to a legal agreement under section 106 signed on
2 October 2025.

The committee voted 7 in favour and 4 against. The officer's report recommended approval.""",
    """Reasons for the decision
The site is previously developed land inside the settlement boundary of Lower Hadley, where the
Local Plan supports new housing. The scheme provides 26 affordable homes, which is 40 percent of
the total and meets Policy H4. The dairy buildings are not listed and have no heritage value.

The council received 212 letters of objection and 18 letters of support. Most objections were
about traffic on Station Road and flooding from the Mill Brook. The highway authority raised no
objection once the access was moved 30 metres to the east. The Environment Agency accepted the
flood risk assessment, since no homes are built in the part of the site that floods.

Conditions
1. The development must begin within three years of the date of this notice.
2. No home may be occupied until the new footway along Station Road to the primary school has
been built.
3. Work on the site is allowed only between 8am and 6pm on weekdays and 8am and 1pm on
Saturdays, and not at all on Sundays or public holidays.""",
    """4. Before work starts, a survey for bats and a plan to protect the old hedgerows must be
approved in writing by the council.
5. The surface water drainage must hold back the water of a storm of the size expected once in
100 years, plus 40 percent for climate change.

Legal agreement
Under the section 106 agreement the developer pays 480,000 pounds towards a new classroom at
Lower Hadley Primary School and 95,000 pounds towards the bus service between Lower Hadley and
Ashcombe. The developer will also hand over 1.2 hectares of open space beside the brook to the
parish council.

Your right of appeal
If you are the applicant and disagree with any condition, you may appeal to the Planning
Inspectorate within six months of the date of this notice. Other people have no right of appeal,
but a decision can be challenged in the High Court within six weeks.

Signed: Helen Marsh, Head of Planning, 10 October 2025""",
]

# Added in the third round (brief-points): a council planning decision notice, a kind
# neither the set nor the first four held out have, with its facts listed before any run.

DOCUMENTS = {
    "discharge-letter": ("Discharge letter, Harald Vik", DISCHARGE),
    "shop-lease": ("Commercial lease, Strandgata 14", LEASE),
    "kettle-recall": ("KettleMate NK-170 recall notice", RECALL),
    "grant-progress": ("Grant NFR-331907 progress report, year 2", GRANT),
    "planning-decision": ("Planning decision 25/01472/FUL, Millbrook Dairy", PLANNING),
}


def make_all(folder: Path) -> list[Path]:
    return [
        write_pdf(folder / f"{name}.pdf", pages, title)
        for name, (title, pages) in DOCUMENTS.items()
    ]
