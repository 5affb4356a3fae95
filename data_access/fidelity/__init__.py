"""Implementation fidelity: are the district's buildings doing MTSS as designed? Instruments (the
TFI and any a district loads) are data; each building's administrations are scored item by item,
summed per scale in SQL (`queries`), turned into percents, statuses and sustaining streaks by pure
arithmetic (`scoring`), entered through one typed input shared by the Fidelity page's form and the
importer's `fidelity.csv` (`inputs`, `writes`), exported (`export`) and gathered for the Fidelity
page in one cached view (`view`)."""
