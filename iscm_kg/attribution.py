"""The licence of the dataset and whom it credits, in one place: the VoID/DCAT record of a release and the
metadata of its research tables say the same."""

from __future__ import annotations

LICENSE = "https://opendatacommons.org/licenses/odbl/1-0/"
# why the dataset is ODbL: it includes the country identifiers (data/country-identifiers.md)
RIGHTS = ("Country identifiers: Data by Countries States Cities Database, "
          "https://github.com/dr5hn/countries-states-cities-database | ODbL v1.0. "
          "Source texts: © 2019 International Organization for Migration (IOM). "
          "UN M49 regions: OCHA's hdx-python-country package.")
# as the Correlates of War Project asks to be cited (data/cow-states.md)
COW_CITATION = ('Correlates of War Project. 2017. "State System Membership List, v2016." Online, '
                "http://correlatesofwar.org.")
COW_PAGE = "https://correlatesofwar.org/data-sets/state-system-membership/"
