"""Invented news reports: two earthquakes in invented countries, three reports each, and an unrelated
council vote. Near enough in kind that only names, places and numbers tell the earthquakes apart.

Plain strings with no imports, so that ``tests/data/make_old_story_states.py`` can feed them to the
code of an old commit.
"""

QUAKE_A = (
    "A magnitude 6.1 earthquake struck near Ridgeford in northern Valdoria on Monday, killing 12 people, the "
    "national seismology office said. Rescue teams led by Mayor Elena Brask searched collapsed homes "
    "in the old "
    "town of Ridgeford through the night, and the Valdorian Red Cross opened shelters for 3,000 residents."
)
QUAKE_A_FOLLOW = (
    "Rescuers in Ridgeford pulled two more survivors from the rubble on Tuesday after Monday's 6.1 "
    "earthquake in "
    "northern Valdoria. Mayor Elena Brask said the toll stood at 12 dead, and the Valdorian Red "
    "Cross said its "
    "shelters in Ridgeford now hold 3,400 residents."
)
QUAKE_B = (
    "A magnitude 7.3 earthquake hit the coastal city of Port Ambry in Kestoria on Friday, leaving 40 dead, "
    "officials said. Governor Tomas Oyelaran declared a state of emergency as aftershocks shook Port "
    "Ambry and "
    "the Kestorian navy sent ships with water and tents to the harbour."
)
QUAKE_B_FOLLOW = (
    "The death toll from Friday's 7.3 earthquake in Port Ambry rose to 58 on Saturday, Governor "
    "Tomas Oyelaran "
    "said, as the Kestorian navy unloaded tents in the harbour and aftershocks kept Port Ambry "
    "residents outdoors."
)
QUAKE_A_THIRD = (
    "Schools in Ridgeford stayed shut on Wednesday, two days after the 6.1 earthquake that killed 12 "
    "people in northern Valdoria. Mayor Elena Brask said engineers from the Valdorian Red Cross would "
    "inspect every building in the old town before residents return."
)
QUAKE_B_THIRD = (
    "Aftershocks rattled Port Ambry again on Sunday as Kestoria buried the 58 victims of Friday's 7.3 "
    "earthquake. Governor Tomas Oyelaran thanked the Kestorian navy, whose ships brought water and "
    "tents to the harbour."
)
UNRELATED = (
    "The Lindmoor city council voted 7 to 2 on Wednesday to build a new public library on the site "
    "of the old "
    "bus depot, councillor Priya Hallam said. Construction of the three-storey building is to start "
    "next spring."
)


# Six reports of two earthquakes, interleaved as they might arrive, by input id.
TWO_QUAKES = {
    "quake-a1": QUAKE_A,
    "quake-b1": QUAKE_B,
    "quake-a2": QUAKE_A_FOLLOW,
    "quake-b2": QUAKE_B_FOLLOW,
    "quake-a3": QUAKE_A_THIRD,
    "quake-b3": QUAKE_B_THIRD,
}
