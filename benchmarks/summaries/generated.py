"""The generated half of the summary set: seven documents written for it (reports, minutes, a
paper, a manual, a memo and a 40-page review), made into PDFs with PyMuPDF like
tests/pdfmaker.py does. Their key facts are listed by hand in facts.json; nothing here was
tuned on the summariser's output.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

PAGE = pymupdf.paper_rect("a4")
MARGIN = 56


def write_pdf(path: Path, pages: list[str], title: str) -> Path:
    doc = pymupdf.open()
    box = pymupdf.Rect(MARGIN, MARGIN, PAGE.width - MARGIN, PAGE.height - MARGIN)
    for text in pages:
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        size = 10.0
        while page.insert_textbox(box, text, fontsize=size) < 0 and size > 4:
            number = page.number
            doc.delete_page(number)
            page = doc.new_page(pno=number, width=PAGE.width, height=PAGE.height)
            size *= 0.85
    doc.set_metadata({"title": title})
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


HARBOR = [
    """Port of Kelvik Harbour Authority
Annual Report 2024

1 Overview
The Port of Kelvik handled 4.2 million tonnes of cargo in 2024, up from 3.7 million tonnes in 2023.
The year was shaped by the opening of the new container berth and by a long winter that closed the
northern channel for several weeks. This report sets out the results, the works completed, the
finances and the plans the board approved for the coming years.

The harbour master, Ingrid Solberg, retired in June after eleven years in the post. Her deputy,
Tomas Brekke, was appointed harbour master from 1 July 2024.""",
    """2 Traffic
A total of 1,318 vessels called at Kelvik during the year, against 1,204 the year before. Container
traffic grew fastest: the port handled 96,500 TEU, most of it through the new berth. Bulk cargo,
mainly timber and gravel, was stable. Passenger ferries carried 212,000 passengers on the route to
Sandøy, a little less than in 2023 because of the winter closure.

The northern channel was closed by ice for 23 days in February and March. Ships were diverted to
the southern approach, which added about two hours to each call. No accidents were recorded.""",
    """3 Works completed
The container berth at Vestkaia opened on 14 May 2024. It is 310 metres long, has a depth of 14
metres alongside and two ship-to-shore cranes. The works cost NOK 640 million, NOK 25 million less
than the budget set in 2021. The contractor was Nordbygg AS.

Shore power was installed at the ferry terminal, so ferries no longer run their engines while they
are moored. The harbour estimates that this saves about 1,900 tonnes of CO2 a year.""",
    """4 Finances
Operating revenue rose to NOK 187 million, from NOK 171 million in 2023. Port dues brought in most
of it; rents from the warehouses on Østkaia brought in NOK 22 million. Operating costs were NOK 139
million. The result before financial items was NOK 48 million.

The authority's debt stood at NOK 410 million at the end of the year, almost all of it the loan
taken up for the container berth. The loan runs for 25 years at a fixed rate.""",
    """5 Safety and environment
There were no serious injuries among staff or contractors in 2024. Two minor oil spills were
reported and cleaned up within the day. Noise measurements at the homes nearest the container
berth stayed below the limit of 55 decibels at night set by the municipality.

The authority planted a belt of trees along the road to Østkaia, as promised to the neighbours
during the planning of the berth.""",
    """6 Decisions and outlook
On 3 December 2024 the board decided to dredge the southern approach to a depth of 16 metres, so
that larger container ships can call in any season. The dredging is planned for 2026 and is
estimated at NOK 95 million. The board also decided to raise port dues by 3.5 percent from 1
January 2025.

The authority expects cargo volumes to grow by about 5 percent a year until 2030, driven by
container traffic.""",
]

MINUTES = [
    """Fjellbu Housing Cooperative
Minutes of the Annual General Meeting, 12 March 2025

Present: 41 of the 64 member households, in person or by proxy. The meeting was opened by the
chair of the board, Marta Lindqvist, at 18:30 in the community room of block B.

1 Election of a chair for the meeting
Jonas Aaberg was elected to chair the meeting and Sofie Nilsen to take the minutes.

2 Annual accounts
The treasurer, Per Holm, presented the accounts for 2024. The cooperative had income of NOK 3.1
million and costs of NOK 2.8 million. The accounts were approved unanimously.""",
    """3 Roof renovation
The board proposed to replace the roofs of blocks A and B in the summer of 2025. Three tenders
were received; the board recommended the tender from Takservice Nord at NOK 2.4 million. After a
discussion about the timing, the proposal was adopted with 35 votes for and 6 against.

To pay for the roofs the meeting decided to raise the monthly fee by 8 percent from 1 May 2025.

4 Parking
A proposal from members to build 12 charging points for electric cars was referred to the board,
which will present costs at an extraordinary meeting in the autumn.""",
    """5 Elections
Marta Lindqvist was re-elected chair of the board for two years. Ahmed Karimi was elected as a
new board member, replacing Per Holm, who did not stand again. The auditor, Revisjon Vest AS, was
re-elected.

6 Any other business
Members asked for the laundry room in block C to be repaired. The board promised to have it
repaired before the end of April.

The meeting was closed at 20:45.""",
]

COFFEE = [
    """Alto Verde Coffee Cooperative
Harvest and Sales Report, Season 2024/25

Summary
The cooperative's 420 member farms in the Huila highlands harvested 1,150 tonnes of green coffee
this season, 9 percent more than last season. Rainfall returned to normal after two dry years, and
the new drying beds at the La Plata station cut losses in processing.""",
    """Quality
Cuppers scored the average lot at 84.5 points on the SCA scale, against 83 points last season.
Forty-one lots scored above 86 points and were sold as specialty micro-lots. The share of beans
lost to broca, the coffee berry borer, fell to 4 percent thanks to the traps the cooperative
handed out to every farm in March.

The quality manager, Lucía Ortega, led the training of 60 farmers in selective picking.""",
    """Sales and prices
The cooperative sold 1,020 tonnes, most of it to roasters in Germany and Japan. The average price
paid to farmers was 2.35 US dollars per pound, 18 percent above the regional market price. Fair
trade premiums brought in 310,000 US dollars, which the general assembly spent on the health
post in the village of Oporapa.""",
    """Investments
The new drying beds at La Plata cost 145,000 US dollars and were financed by a loan from the
Banco Agrario. A solar installation at the warehouse now covers about 70 percent of its power
use. The cooperative hired two agronomists to visit farms.""",
    """Outlook
For the 2025/26 season the board expects a harvest of about 1,200 tonnes. The general assembly
approved a plan to certify 100 more farms as organic by 2027. The manager, Andrés Cárdenas, warned
that rising fertiliser costs will squeeze farm incomes unless prices hold.""",
]

PAPER = [
    """Evening Light and Sleep Onset in Shift Nurses: a Randomised Trial

Hanna Virtanen, Olli Mäkelä and Ruth Okafor
Department of Occupational Health, University of Tampere

Abstract
We tested whether amber glasses worn in the last three hours before sleep shorten the time to
fall asleep in nurses working rotating shifts. In a randomised trial of 148 nurses over eight
weeks, amber glasses shortened sleep onset by 11 minutes on average compared with clear glasses.
The effect was larger after night shifts. Amber glasses are a cheap measure worth offering.""",
    """1 Introduction
Rotating shift work disturbs sleep. Nurses on rotating shifts sleep on average one hour less than
day workers, and many take a long time to fall asleep. Blue light in the evening suppresses
melatonin, the hormone that signals night to the body. Glasses that filter blue light may
therefore help, but earlier studies were small and did not blind participants.

2 Methods
We recruited 148 nurses from four hospitals in Finland between January and June 2023. Nurses
were randomised to amber glasses or to clear glasses that looked the same. Sleep was measured
with wrist actigraphy for eight weeks.""",
    """3 Results
Of the 148 nurses, 139 completed the trial. With amber glasses the mean time to fall asleep was
24 minutes, against 35 minutes with clear glasses, a difference of 11 minutes (95% confidence
interval 6 to 16 minutes). After night shifts the difference was 17 minutes. Total sleep time did
not differ between the groups. Two nurses stopped wearing the glasses because of headaches.""",
    """4 Discussion
The effect of amber glasses on sleep onset was moderate but consistent across the four hospitals.
Unlike earlier studies, ours blinded the nurses to the kind of glasses they wore. The glasses cost
about 20 euros a pair. A limitation is that actigraphy estimates sleep onset less precisely than
polysomnography.

5 Conclusion
Hospitals could offer amber glasses to nurses on rotating shifts. The trial was funded by the
Finnish Work Environment Fund.""",
]

MANUAL = [
    """AquaFlow P300 Garden Pump
User Manual

Thank you for choosing the AquaFlow P300. This manual explains how to install, use and maintain
the pump. Read the safety instructions before first use and keep the manual for later.""",
    """1 Safety
The pump must be connected to a socket protected by a residual current device of at most 30 mA.
Never run the pump dry: it is cooled by the water it pumps. Do not pump flammable liquids, salt
water or water warmer than 35 degrees Celsius. Children must not play with the pump.""",
    """2 Technical data
Rated power: 800 W. Maximum flow: 3,300 litres per hour. Maximum delivery head: 42 metres.
Maximum suction height: 8 metres. Connection: 1 inch thread. Weight: 9.5 kg. Cable length: 1.5
metres. The pump is rated IPX4 and may be used outdoors under a roof.""",
    """3 Installation
Place the pump on a firm, level surface at least 2 metres from the pool or pond edge. Use a
suction hose with a non-return valve and a filter. Fill the pump housing with water through the
filling screw before the first start; the pump primes itself within 5 minutes.""",
    """4 Operation
Open the tap on the delivery side, then switch the pump on with the switch on the housing. The
pump stops by itself when the pressure switch senses no flow for 60 seconds, which protects it
against running dry. To restart, press the reset button.""",
    """5 Maintenance
Clean the prefilter every two weeks in the season. Before frost, drain the pump through the drain
screw and store it in a dry room above 5 degrees Celsius. The mechanical seal is a wearing part;
replace it after about 1,000 hours of operation.""",
    """6 Troubleshooting
If the pump runs but delivers no water, check that the housing is filled and that the suction
hose does not draw air. If the motor hums but does not start, the impeller may be blocked: switch
off, unplug, and turn the impeller with a screwdriver through the rear cover.""",
    """7 Warranty and service
The AquaFlow P300 has a warranty of 3 years from the date of purchase. The warranty does not
cover the mechanical seal or damage caused by frost or by running dry. Service: Hydra Garden
Products GmbH, Lindenstrasse 12, Bremen, Germany.""",
]

MEMO = [
    """MEMORANDUM
To: City Council of Brenholt
From: Ellen Varga, Director of Libraries
Date: 18 September 2025
Subject: Library budget for 2026

The library service asks for a budget of 12.6 million kroner for 2026, an increase of 4 percent.
Visits rose to 388,000 in 2025, the highest number since 2019. Loans of e-books grew by 31
percent, while loans of printed books fell slightly.

The increase covers wage growth and the rent of the new branch in Nordby, which opens in March
2026. Without it, the Saturday opening hours of the main library would have to be cut.""",
    """We propose to pay for longer opening hours in Nordby by staffing the branch with volunteers in
the evenings, as the Østerby branch has done since 2022. The council is asked to approve the
budget at its meeting on 9 October 2025.

The makerspace at the main library, opened in 2024, was used by 5,200 people. We propose to keep
it free of charge.""",  # noqa: E501  (the text as it was when the set was labelled)
]


def _rail_pages() -> list[str]:
    """A 40-page review of a regional rail network: one numbered section per line, each with
    its figures, plus an introduction, finances and recommendations."""
    lines = [
        ("Coast Line", "Harwick", "Lenby", 84, 22, 91.2, 1.9, "new passing loops at Ostra"),
        ("Valley Line", "Harwick", "Brookmere", 61, 14, 88.4, 1.2, "level crossing removal"),
        ("Moor Line", "Lenby", "Tarn Cross", 47, 9, 79.5, 0.6, "signalling renewal"),
        ("Airport Link", "Harwick", "Harwick Airport", 18, 4, 95.1, 2.8, "extra platform"),
        ("Forest Line", "Brookmere", "Elder Hill", 39, 11, 83.7, 0.4, "bridge repairs"),
        ("Ridge Line", "Tarn Cross", "Kellsby", 52, 12, 86.0, 0.5, "track doubling study"),
    ]
    pages = [
        """Regional Rail Review 2025
An independent review for the Harwick Regional Transport Board

Prepared by Greenway Transport Consultants, lead author Dr. Naomi Fairbairn""",
        """1 Introduction
The Harwick Regional Transport Board commissioned this review in January 2025 to assess the
performance of the six lines of the regional network and to recommend where to invest. The
network has 301 kilometres of track and 72 stations, and carried 7.4 million passenger journeys
in the year to March 2025, 6 percent more than the year before.""",
        """The review drew on the operator's punctuality data, passenger counts, a survey of 2,800
passengers and interviews with staff. A train counts as punctual when it arrives within five
minutes of its timetabled time. Across the network, 87.3 percent of trains were punctual, short of
the target of 90 percent set in the operating contract.""",
    ]
    for n, (name, start, end, km, stations, punctual, millions, work) in enumerate(lines, 2):
        pages += [
            f"""{n} The {name}
{n}.1 Route
The {name} runs {km} kilometres from {start} to {end} and serves {stations} stations. Trains run
every half hour on weekdays and every hour on Sundays. The line is single track for most of its
length, which limits how many trains can run and how delays spread from one train to the next.""",
            f"""{n}.2 Performance
On the {name}, {punctual} percent of trains were punctual in the year to March 2025. The line
carried {millions} million passenger journeys. Most delays came from waiting for trains in the
opposite direction on single track sections, followed by faults with the rolling stock and, in
autumn, leaves on the line. Passengers in the survey rated the trains clean and the staff
helpful, but asked for more seats at peak times.""",
            f"""{n}.3 Stations
Most stations on the {name} have a single platform, a shelter and a ticket machine. Step-free
access is available at about two thirds of them. Parking at the busiest stations is full on
weekday mornings, and several stations lack secure cycle parking. Information screens are being
replaced across the network.""",
            f"""{n}.4 Proposed works
The review recommends {work} on the {name}. The work would reduce the time trains spend waiting
and make the timetable more robust. It should be planned together with the renewal of the
rolling stock, so that new trains and new infrastructure can be used from the same timetable
change.""",
            f"""{n}.5 Assessment
The benefits of the proposed works on the {name} were estimated with the standard appraisal
method of the Board: time savings for passengers, fewer delays, and lower operating costs. The
costs include construction, disruption during the works and maintenance over 30 years.""",
        ]
    pages += [
        """8 Rolling stock
The network is run with 38 diesel trains built between 1989 and 1994. They are reaching the end of
their lives: breakdowns caused 14 percent of all delay minutes. The review recommends replacing
them with 30 battery-electric trains from 2029, which can run on the unelectrified lines and
charge under the wires at Harwick.""",
        """9 Finances
Fares covered 41 percent of the network's operating costs of 96 million pounds in the year to
March 2025. The Board's subsidy was 57 million pounds. The works recommended in this review would
cost about 410 million pounds over ten years, of which the new trains are 240 million.""",
        """10 Passenger survey
Of the 2,800 passengers surveyed, 71 percent were satisfied with the service overall. The most
common complaints were crowding at peak times, the lack of late evening trains and unreliable
information during disruption.""",
        """11 Recommendations
The review makes five recommendations: build the passing loops at Ostra on the Coast Line first,
since it carries the most passengers; replace the diesel fleet with battery-electric trains from
2029; add a late evening train on every line; raise the punctuality target only once the works
are finished; and publish punctuality per line every month.""",
        """12 Conclusion
The regional network is growing, but its single track and ageing trains hold it back. With the
works and trains recommended here, the review estimates that punctuality could reach 92 percent
by 2032 and that journeys could rise to 9 million a year.""",
    ]
    while len(pages) < 40:
        pages.append(
            f"""Appendix {chr(ord("A") + len(pages) - 38)}: Data tables
The tables in this appendix list the punctuality per month for each line, the passenger counts
per station and the survey questions. They are provided for reference."""
        )
    return pages


DOCUMENTS = {
    "harbor-report": ("Port of Kelvik Annual Report 2024", HARBOR),
    "coop-minutes": ("Fjellbu Housing Cooperative AGM minutes 2025", MINUTES),
    "coffee-report": ("Alto Verde Coffee harvest report 2024/25", COFFEE),
    "sleep-trial": ("Evening light and sleep onset in shift nurses", PAPER),
    "pump-manual": ("AquaFlow P300 user manual", MANUAL),
    "library-memo": ("Library budget 2026 memo", MEMO),
    "rail-review": ("Regional Rail Review 2025", _rail_pages()),
}


def make_all(folder: Path) -> list[Path]:
    return [
        write_pdf(folder / f"{name}.pdf", pages, title)
        for name, (title, pages) in DOCUMENTS.items()
    ]
