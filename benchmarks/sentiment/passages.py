"""The labelled sentiment set: 72 passages, 24 positive, 24 neutral, 24 negative.

Written by hand for this benchmark on 2026-12-03, before the model scored any of them, in many
kinds of text (reviews, notices, minutes, reports, letters, technical and legal text, news,
recipes, manuals). None of them is used for calibration (which uses only content-free inputs)
or for choosing a prompt or a threshold: this set only measures.

Neutral passages include text that names problems in a factual way ("raises an error",
"closed on Monday"), which is what a model with a bias calls negative.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    id: str
    kind: str
    label: str  # positive, neutral or negative
    text: str


def _p(id: str, kind: str, label: str, text: str) -> Passage:
    return Passage(id, kind, label, " ".join(text.split()))


PASSAGES: tuple[Passage, ...] = (
    # -- positive ----------------------------------------------------------------------------
    _p(
        "pos-restaurant",
        "review",
        "positive",
        """
        We booked a table for my mother's seventieth and the evening could not have gone
        better. The lamb was tender, the staff remembered her name all night, and the chef
        came out with a small cake we had not even asked for. We will be back.""",
    ),
    _p(
        "pos-headphones",
        "review",
        "positive",
        """
        Five stars. The noise cancelling is superb on trains and the battery easily lasts a
        week of commuting. They are light enough that I forget I am wearing them.""",
    ),
    _p(
        "pos-volunteer-letter",
        "letter",
        "positive",
        """
        Dear Mrs. Okafor, on behalf of the whole reading club I want to thank you for the
        years you spent running our Saturday sessions. The children adored your stories, and
        several parents told us their kids now read every night because of you. We are so
        grateful.""",
    ),
    _p(
        "pos-quarterly",
        "report",
        "positive",
        """
        Revenue for the third quarter rose 18 percent to 4.2 million, the strongest quarter
        in the company's history. Margins improved in every region, customer retention
        reached a record 94 percent, and the new product line has exceeded its first-year
        target after only six months.""",
    ),
    _p(
        "pos-minutes-launch",
        "minutes",
        "positive",
        """
        The chair opened the meeting by congratulating the team on the smooth launch of the
        booking system. Feedback from the first two weeks has been overwhelmingly good,
        complaints to the front desk have dropped sharply, and members thanked the IT group
        for their outstanding work over the holidays.""",
    ),
    _p(
        "pos-award",
        "notice",
        "positive",
        """
        We are delighted to announce that our nursing team has won the regional Care
        Excellence Award. This recognition celebrates their compassion and dedication, and we
        could not be prouder of them.""",
    ),
    _p(
        "pos-release-notes",
        "technical",
        "positive",
        """
        Version 3 is a huge step forward: start-up is four times faster, memory use is half
        of what it was, and the long-standing sync bugs are finally gone. Early testers have
        called it the best release yet, and we agree.""",
    ),
    _p(
        "pos-hotel",
        "review",
        "positive",
        """
        Spotless rooms, a wonderful breakfast with fresh local bread, and a view of the lake
        that took our breath away. The receptionist even lent us umbrellas and a map. A
        perfect weekend.""",
    ),
    _p(
        "pos-book",
        "review",
        "positive",
        """
        A moving, beautifully written novel. I finished it in two sittings and have been
        recommending it to everyone I know. The final chapter is among the most satisfying
        endings I have read in years.""",
    ),
    _p(
        "pos-reference",
        "letter",
        "positive",
        """
        It is a pleasure to recommend Daniel Reyes. In three years on my team he was
        consistently reliable, quick to learn and generous with his colleagues. He led our
        migration project to an excellent result, and any employer would be lucky to have
        him.""",
    ),
    _p(
        "pos-inspection",
        "report",
        "positive",
        """
        Inspectors rated the school outstanding in all five areas. Pupils are enthusiastic
        and well behaved, teaching is inspiring, and leaders have created a warm and
        ambitious culture in which every child makes strong progress.""",
    ),
    _p(
        "pos-support-email",
        "email",
        "positive",
        """
        Hi Priya, I just wanted to say thank you. My laptop died the day before my thesis
        deadline and your team recovered every file within an hour. You saved my semester,
        and you were kind about it too.""",
    ),
    _p(
        "pos-hospital-wing",
        "news",
        "positive",
        """
        The new children's wing at St. Anne's opened on Monday to cheers from families and
        staff. Parents praised the bright, welcoming rooms, and doctors say the modern
        equipment will cut waiting times dramatically for young patients across the region.""",
    ),
    _p(
        "pos-app",
        "review",
        "positive",
        """
        This budgeting app genuinely changed how I manage money. It is simple, fast and
        never gets in the way, and in four months I have saved more than in the previous two
        years. Highly recommended.""",
    ),
    _p(
        "pos-travel",
        "blog",
        "positive",
        """
        Our week on the island was pure joy. Every morning we swam in clear water, the
        villagers welcomed us with fresh figs, and the sunsets from the old lighthouse were
        unforgettable. I would go back tomorrow.""",
    ),
    _p(
        "pos-appraisal",
        "report",
        "positive",
        """
        Maria has had an exceptional year. She exceeded every sales objective, mentored two
        new hires with great patience, and her clients consistently describe her as the most
        helpful adviser they have worked with. Strongly recommended for promotion.""",
    ),
    _p(
        "pos-fundraiser",
        "newsletter",
        "positive",
        """
        Thanks to your generosity, the spring appeal raised 23,000 euros, more than double
        our goal! The new playground will be built this summer, and the children cannot wait.
        Thank you all, from the bottom of our hearts.""",
    ),
    _p(
        "pos-car",
        "review",
        "positive",
        """
        Two years and forty thousand kilometres later, this little car still starts first
        time every morning. It is comfortable, cheap to run and a joy on country roads. Best
        purchase I have made in a long time.""",
    ),
    _p(
        "pos-audit-minutes",
        "minutes",
        "positive",
        """
        The board welcomed the auditors' report, which found no issues of any kind and
        commended the finance team for the clarity of its records. Members expressed their
        warm appreciation to the treasurer for an excellent year.""",
    ),
    _p(
        "pos-bakery-letter",
        "letter",
        "positive",
        """
        Dear Corner Bakery, your sourdough has become the highlight of our Saturdays. The
        crust is perfect, your staff are always cheerful, and the cinnamon buns you gave my
        son on his birthday made his day. Thank you for being such a lovely part of our
        street.""",
    ),
    _p(
        "pos-pilot",
        "report",
        "positive",
        """
        The six-month pilot of the home-visit programme was a clear success. Hospital
        readmissions among participants fell by a third, patient satisfaction scores were the
        highest the trust has recorded, and every participating nurse asked to continue.""",
    ),
    _p(
        "pos-exhibition",
        "review",
        "positive",
        """
        The new photography exhibition is a triumph. The curators have gathered stunning,
        rarely seen prints, the lighting is superb, and the audio guide is genuinely
        insightful. Do not miss it.""",
    ),
    _p(
        "pos-plumber",
        "review",
        "positive",
        """
        Called on a Sunday with water pouring through the ceiling, and Tom arrived within
        forty minutes. He fixed the leak quickly, explained everything clearly and charged a
        very fair price. Brilliant service, thank you.""",
    ),
    _p(
        "pos-retirement",
        "speech",
        "positive",
        """
        For thirty-two years Helen has been the heart of this library. Her kindness, her
        humour and her extraordinary memory for books have enriched the lives of thousands
        of readers. We wish her a long and happy retirement; she has earned every minute of
        it.""",
    ),
    # -- neutral -----------------------------------------------------------------------------
    _p(
        "neu-holiday-hours",
        "notice",
        "neutral",
        """
        The town hall will be closed on Monday 5 May for the public holiday. Normal opening
        hours, 8:30 to 17:00, resume on Tuesday. Registry appointments booked for Monday have
        been moved to Wednesday at the same time.""",
    ),
    _p(
        "neu-minutes-procedural",
        "minutes",
        "neutral",
        """
        Present: J. Alvarez (chair), K. Brandt, L. Chen, M. Duarte. Apologies: R. Evans. The
        minutes of the meeting of 12 March were approved. Item 3, the parking policy, was
        deferred to the next meeting. The next meeting will be held on 9 April at 18:00 in
        room B2.""",
    ),
    _p(
        "neu-function-doc",
        "technical",
        "neutral",
        """
        read_config(path) parses the file at path and returns a dictionary of settings. If
        the file does not exist, the function raises FileNotFoundError. Keys that are not
        recognised are ignored, and values are returned as strings.""",
    ),
    _p(
        "neu-statistics",
        "report",
        "neutral",
        """
        Table 4 lists the number of registered vehicles by district for the years 2018 to
        2022. Figures are given in thousands and rounded to one decimal place. Electric and
        hybrid vehicles are counted separately in the last two columns.""",
    ),
    _p(
        "neu-water-works",
        "notice",
        "neutral",
        """
        Water supply to Elm Street, numbers 1 to 40, will be interrupted on Thursday between
        9:00 and 13:00 while a valve is replaced. Residents are advised to store water for
        the period of the works.""",
    ),
    _p(
        "neu-appointment",
        "letter",
        "neutral",
        """
        Dear Mr. Novak, this letter confirms your appointment at the outpatient clinic on 14
        June at 10:20. Please bring your insurance card and a list of any medicines you take.
        If you need to change the date, call the number at the top of this letter.""",
    ),
    _p(
        "neu-recipe",
        "recipe",
        "neutral",
        """
        Preheat the oven to 180 degrees. Mix the flour, sugar and baking powder in a large
        bowl, then add the eggs and milk and stir until smooth. Pour the batter into a
        greased tin and bake for 35 minutes.""",
    ),
    _p(
        "neu-install",
        "manual",
        "neutral",
        """
        To install the bracket, mark the positions of the two holes on the wall using the
        template. Drill 6 mm holes, insert the wall plugs and fix the bracket with the screws
        supplied. Hang the unit on the bracket and tighten the locking screw underneath.""",
    ),
    _p(
        "neu-terms",
        "legal",
        "neutral",
        """
        4.2 Either party may terminate this agreement by giving thirty days' written notice
        to the other party. Termination does not affect any rights or obligations that arose
        before the date of termination. Notices must be sent to the addresses given in
        Schedule 1.""",
    ),
    _p(
        "neu-town-history",
        "encyclopedia",
        "neutral",
        """
        Kettering is a market town in Northamptonshire, England, about 80 miles north of
        London. It grew around the boot and shoe industry in the nineteenth century, and its
        population at the 2021 census was approximately 63,000.""",
    ),
    _p(
        "neu-timetable",
        "notice",
        "neutral",
        """
        From 1 September, route 12 will run every 20 minutes on weekdays instead of every
        15 minutes. The first bus leaves the station at 6:05 and the last at 23:10. Weekend
        times are unchanged.""",
    ),
    _p(
        "neu-invoice",
        "invoice",
        "neutral",
        """
        Invoice 2024-0387. Description: annual maintenance of two boilers, parts and labour.
        Amount: 640.00 euros, VAT 21 percent included. Payment is due within 30 days to the
        account shown below, quoting the invoice number.""",
    ),
    _p(
        "neu-methods",
        "paper",
        "neutral",
        """
        Samples were collected from twelve sites along the river between April and October.
        Each sample was filtered, dried at 60 degrees for 48 hours and weighed. Nitrate
        concentrations were measured by ion chromatography in triplicate.""",
    ),
    _p(
        "neu-expenses",
        "policy",
        "neutral",
        """
        Expense claims must be submitted through the finance portal within 60 days of the
        expense. Each claim needs an itemised receipt. Travel by rail is reimbursed at
        standard class fares; mileage for private cars is paid at 0.30 euros per
        kilometre.""",
    ),
    _p(
        "neu-agm",
        "notice",
        "neutral",
        """
        Notice is hereby given that the Annual General Meeting of the Riverside Rowing Club
        will be held on Saturday 22 November at 11:00 in the clubhouse. The agenda and the
        accounts for the year are available from the secretary.""",
    ),
    _p(
        "neu-budget-minutes",
        "minutes",
        "neutral",
        """
        The treasurer presented the budget for the coming year. Income is projected at
        85,000 from membership fees and 12,000 from hall rentals. Expenditure includes
        40,000 for staff, 18,000 for utilities and 9,000 for insurance. The committee voted
        to adopt the budget as presented.""",
    ),
    _p(
        "neu-config-options",
        "technical",
        "neutral",
        """
        The timeout option sets the number of seconds the client waits for a response before
        it gives up; the default is 30. Setting it to 0 disables the limit. The retries
        option controls how many times a failed request is repeated.""",
    ),
    _p(
        "neu-council-plan",
        "news",
        "neutral",
        """
        The county council has published its draft transport plan for 2026 to 2031. The plan
        proposes two new cycle routes and changes to parking charges in the town centre.
        Residents can comment on the proposals until 30 January.""",
    ),
    _p(
        "neu-spec",
        "specification",
        "neutral",
        """
        Dimensions: 420 x 310 x 95 mm. Weight: 2.4 kg. Power supply: 230 V, 50 Hz. The unit
        has two USB-C ports and one HDMI output, and operates at temperatures between 0 and
        40 degrees Celsius.""",
    ),
    _p(
        "neu-library-rules",
        "notice",
        "neutral",
        """
        Members may borrow up to eight items at a time. Books are lent for three weeks and
        films for one week. Items can be renewed twice online or at the desk unless another
        member has reserved them.""",
    ),
    _p(
        "neu-survey-method",
        "report",
        "neutral",
        """
        The survey was sent to 2,400 households chosen at random from the electoral roll.
        Responses were collected by post and online over six weeks, and 1,108 completed
        questionnaires were received. Results were weighted by age and district.""",
    ),
    _p(
        "neu-forward-email",
        "email",
        "neutral",
        """
        Hello Sam, as requested I am forwarding the signed contract and the two appendices.
        The originals will be posted to your office this week. Let me know if you need the
        documents in another format.""",
    ),
    _p(
        "neu-geography",
        "encyclopedia",
        "neutral",
        """
        The river rises in the hills west of the plateau and flows south-east for about 210
        kilometres before it joins the sea. Its main tributaries are the Aller and the Wend,
        and its basin covers roughly 4,300 square kilometres.""",
    ),
    _p(
        "neu-parking",
        "notice",
        "neutral",
        """
        During construction of the new entrance, the north car park will be closed from 3
        March. Staff should use the overflow car park on Mill Lane. Disabled parking bays
        remain available next to the main reception.""",
    ),
    # -- negative ----------------------------------------------------------------------------
    _p(
        "neg-restaurant",
        "review",
        "negative",
        """
        The worst meal we have had in years. We waited an hour for cold pasta, the waiter
        rolled his eyes when we asked for water, and the bill included two drinks we never
        ordered. Avoid this place.""",
    ),
    _p(
        "neg-laptop",
        "review",
        "negative",
        """
        The laptop stopped charging after three weeks. Support kept me on hold for hours and
        then told me the warranty did not cover it. A complete waste of money and I regret
        buying it.""",
    ),
    _p(
        "neg-landlord",
        "letter",
        "negative",
        """
        Dear Mr. Hale, this is the fourth time I have written about the damp in the bedroom.
        Mould is now growing on the walls, my daughter's asthma has got worse, and you have
        ignored every message. This situation is unacceptable.""",
    ),
    _p(
        "neg-quarterly",
        "report",
        "negative",
        """
        The company reported a loss of 7.3 million for the quarter as sales collapsed in its
        two largest markets. Management announced the closure of three plants and the loss
        of 900 jobs, and warned that the outlook remains bleak.""",
    ),
    _p(
        "neg-minutes-delay",
        "minutes",
        "negative",
        """
        Members voiced serious frustration that the library refurbishment is now eight
        months late and 40 percent over budget. The contractor again failed to attend, and
        several members said that confidence in the project team has been badly damaged.""",
    ),
    _p(
        "neg-service-cancelled",
        "notice",
        "negative",
        """
        We regret to inform customers that the evening ferry service has been cancelled for
        the rest of the season after repeated engine failures. We apologise for the serious
        disruption this causes and understand the anger many of you have expressed.""",
    ),
    _p(
        "neg-incident",
        "report",
        "negative",
        """
        The outage on 14 February lasted eleven hours and caused the permanent loss of two
        days of customer orders. Backups had silently failed for weeks, alarms were ignored,
        and hundreds of customers received no reply to their complaints.""",
    ),
    _p(
        "neg-hotel",
        "review",
        "negative",
        """
        Filthy room, stained sheets and a bathroom that smelled of sewage. When we complained
        the manager was rude and refused to move us. We left after one night and are still
        waiting for a refund.""",
    ),
    _p(
        "neg-film",
        "review",
        "negative",
        """
        Two and a half hours of tedium. The plot makes no sense, the dialogue is clumsy, and
        the lead actors seem as bored as the audience. I nearly walked out halfway through.""",
    ),
    _p(
        "neg-resignation",
        "letter",
        "negative",
        """
        I am resigning with immediate effect. For months my concerns about unsafe workloads
        have been dismissed, promises of support were broken, and the atmosphere in the team
        has become toxic. I can no longer work in these conditions.""",
    ),
    _p(
        "neg-inspection",
        "report",
        "negative",
        """
        The kitchen failed its hygiene inspection. Inspectors found rodent droppings in the
        storeroom, raw meat stored above cooked food, and staff who had received no food
        safety training. The premises were ordered to close immediately.""",
    ),
    _p(
        "neg-refund-email",
        "email",
        "negative",
        """
        This is my third email and I am furious. You took payment six weeks ago, the parcel
        never arrived, and your chat assistant keeps promising a refund that never comes. I
        will be reporting you to consumer protection.""",
    ),
    _p(
        "neg-factory",
        "news",
        "negative",
        """
        The closure of the paper mill has devastated the valley. More than 600 workers lost
        their jobs overnight, shops on the high street are boarding up, and families who
        have lived here for generations say they see no future for their children.""",
    ),
    _p(
        "neg-app",
        "review",
        "negative",
        """
        Since the last update the app crashes every time I open a photo, and it deleted my
        saved drafts. Customer support sends copy-paste replies. Uninstalled, and I would not
        recommend it to anyone.""",
    ),
    _p(
        "neg-flight",
        "blog",
        "negative",
        """
        Our holiday started with a nightmare. The flight was cancelled after we had waited
        nine hours at the gate, the airline offered no hotel and no food, and we slept on the
        airport floor with two exhausted children.""",
    ),
    _p(
        "neg-appraisal",
        "report",
        "negative",
        """
        Performance this year has been poor. Deadlines were missed repeatedly, two major
        clients complained about careless errors, and agreed improvement goals were not met.
        Unless there is a marked change, further action will follow.""",
    ),
    _p(
        "neg-fundraiser",
        "newsletter",
        "negative",
        """
        Sadly the spring appeal raised less than a third of its target, and the playground
        project has had to be abandoned. This is a bitter disappointment for the children
        and for everyone who worked so hard on it.""",
    ),
    _p(
        "neg-car",
        "review",
        "negative",
        """
        This car has been nothing but trouble. The gearbox failed twice in the first year,
        the electronics flicker constantly, and the dealer treats every visit as my fault.
        Unreliable and overpriced.""",
    ),
    _p(
        "neg-audit",
        "report",
        "negative",
        """
        The audit identified serious failures of control. Payments of 1.2 million were made
        without approval, records were altered after the fact, and senior managers ignored
        repeated warnings from staff. The findings are deeply troubling.""",
    ),
    _p(
        "neg-noise",
        "letter",
        "negative",
        """
        Residents of Harbour Court are at the end of their tether. The construction noise
        starts before six every morning, the dust is unbearable, and the developer has
        broken every promise it made to the neighbourhood.""",
    ),
    _p(
        "neg-pilot",
        "report",
        "negative",
        """
        The pilot of the new scheduling software was a failure. Staff found it confusing,
        errors in the rota led to shifts with no cover, and patient complaints rose
        sharply. The trial was stopped early.""",
    ),
    _p(
        "neg-concert",
        "review",
        "negative",
        """
        What a letdown. The sound was muddy, the band started ninety minutes late and played
        barely an hour, and the venue was so overcrowded that people were fainting. Never
        again.""",
    ),
    _p(
        "neg-contractor",
        "review",
        "negative",
        """
        The builders left our garden covered in rubble, cracked the kitchen tiles and then
        stopped answering the phone. The extension is half finished and we have already paid
        most of the price. Dreadful experience.""",
    ),
    _p(
        "neg-hospital-wait",
        "letter",
        "negative",
        """
        My father, who is eighty-six, waited fourteen hours on a trolley in a corridor
        without food or pain relief. Nobody told us what was happening. The way he was
        treated was shameful and I want a full explanation.""",
    ),
)
