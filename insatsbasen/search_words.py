"""The Swedish words the search splits compounds into (``search.compound_parts``).

A compound is split where both sides are words of this list ("sommarjobb" → sommar + jobb,
"cykelskola" → cykel + skola, "samhällsorientering" → samhälle + s + orientering), so a document
holding the compound is also found by its parts and a query compound finds documents holding its
parts. Base forms as a person writes them; the search stems them with the same Snowball stemmer as
the documents. Short, common or ambiguous words that would split ordinary words wrongly ("under"
+ "visning", "in" + "kommande") are left out on purpose. Add a word when a compound in the
catalogue is not found by its parts.
"""

WORDS = """
adress aktivitet akademiker analfabet anhörig anställning ansökan arabiska arbete arbetsgivare arbetsmarknad
arbetsplats arbetsträning arbetslös assistent avgift

barn barnomsorg barnpassning behörighet besök bibliotek bil bostad bygg byggnad bok boende bank
café cirkel cykel

dag dans data digital dator dokument
ekonomi elev engelska ensamkommande etablering familj fordon fritid friskvård förening föreningsliv
förskola förälder föräldraskap förberedelse försäkring företag

grupp grund gymnasium

hand handel handledare handledning hem helg hjälp hyra hälsa hälsning

idrott information integration intyg introduktion invandrare

jobb juridik

kafé kartläggning kommun kommunikatör kontakt kort kunskap kurs kvinna kväll körkort kök

lag lager landsting läkare lärare läsa läxa lokal lokalvård lön

man matematik medborgare meddelande mentor migration mottagning motion myndighet möte

natur nybörjare nyanländ

omsorg orientering

passning pension person plats praktik program projekt psykisk

rehabilitering rekrytering restaurang rådgivning rätt

samhälle samtal simning simskola skola skrivning sjukvård social sommar sport språk stad start studie
studieväg stöd stress svenska sömn

tandvård teori tid tjänst tolk trafik träning träff

ungdom utbildning undervisning utveckling

validering vardag vecka verksamhet volontär vuxen vård vägledning

yrke yrkeskunskap

äldre äldreomsorg

övning
"""
