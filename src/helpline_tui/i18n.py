"""The console's words in Dutch (default) and English: one small dictionary, no framework."""

from __future__ import annotations

from typing import Final, TypeVar

C = TypeVar("C", bound=type)

Language = str

_STRINGS: Final[dict[str, tuple[str, str]]] = {
    # key: (nl, en)
    "app.title": ("Helpline console", "Helpline console"),
    "login.title": ("Aanmelden", "Log in"),
    "login.server": ("Server", "Server"),
    "login.username": ("Gebruikersnaam", "Username"),
    "login.password": ("Wachtwoord", "Password"),
    "login.totp": ("Code uit je authenticator-app", "Code from your authenticator app"),
    "login.submit": ("Aanmelden", "Log in"),
    "login.busy": ("Bezig met aanmelden…", "Logging in…"),
    "login.bad_credentials": (
        "Gebruikersnaam, wachtwoord of code is niet juist. Heeft je account een tweede factor, "
        "geef dan ook de code uit je app.",
        "Wrong username, password or code. If your account has a second factor, also enter "
        "the code from your app.",
    ),
    "login.failed_before": (
        "Sinds je vorige aanmelding waren er {count} mislukte aanmeldpogingen op je account. "
        "Was jij dat niet, meld het dan aan een beheerder.",
        "There were {count} failed login attempts on your account since your last login. "
        "If that was not you, tell an administrator.",
    ),
    "login.totp_required": (
        "Dit account gebruikt een tweede factor: geef de code uit je app.",
        "This account uses a second factor: enter the code from your app.",
    ),
    "login.bad_totp": ("De code is niet juist of verlopen.", "The code is wrong or expired."),
    "login.disabled": (
        "Dit account is uitgeschakeld. Neem contact op met een beheerder.",
        "This account is disabled. Contact an administrator.",
    ),
    "login.locked": (
        "Te veel mislukte pogingen: het account is tijdelijk vergrendeld. Probeer later opnieuw.",
        "Too many failed attempts: the account is locked for a while. Try again later.",
    ),
    "login.unreachable": (
        "De server {server} is niet bereikbaar. Controleer de netwerkverbinding of het adres.",
        "The server {server} cannot be reached. Check the network or the address.",
    ),
    "login.version": (
        "Deze console (protocolversie {client_version}) past niet bij de server. "
        "Werk de console bij.",
        "This console (protocol version {client_version}) does not match the server. "
        "Update the console.",
    ),
    "login.refused": ("De server weigerde: {reason}", "The server refused: {reason}"),
    "login.missing": ("Vul gebruikersnaam en wachtwoord in.", "Enter username and password."),
    "status.online": ("verbonden", "connected"),
    "status.offline": ("verbinding verbroken", "disconnected"),
    "status.reconnecting": ("opnieuw verbinden…", "reconnecting…"),
    "status.service.database": (
        "database onbereikbaar: berichten wachten op opslag",
        "database unreachable: messages wait to be stored",
    ),
    "status.service.redis": (
        "collega's op andere servers niet live zichtbaar",
        "colleagues on other servers not live",
    ),
    "status.queue": ("wachtrij {count}", "queue {count}"),
    "status.oldest": ("(langst {wait})", "(oldest {wait})"),
    "status.chats": ("gesprekken {count}/{cap}", "chats {count}/{cap}"),
    "availability.available": ("beschikbaar", "available"),
    "availability.away": ("afwezig", "away"),
    "availability.break": ("pauze", "break"),
    "availability.offline": ("offline", "offline"),
    "queue.title": ("Wachtrij", "Queue"),
    "queue.empty": ("Niemand wacht.", "Nobody is waiting."),
    "queue.nickname": ("Schuilnaam", "Nickname"),
    "queue.region": ("Regio", "Region"),
    "queue.age": ("Leeftijd", "Age"),
    "queue.language": ("Taal", "Lang"),
    "queue.wait": ("Wacht", "Wait"),
    "hot.title": ("Mijn gesprekken", "My conversations"),
    "hot.empty": ("Geen open gesprekken.", "No open conversations."),
    "hot.waiting": ("wacht", "waiting"),
    "hot.idle": ("stil", "idle"),
    "hot.holding": ("verbinding weg", "disconnected"),
    "hot.ended": ("afgelopen", "ended"),
    "hot.quick": ("snel weg!", "left in a hurry!"),
    "conv.visitor": ("bezoeker", "visitor"),
    "conv.me": ("ik", "me"),
    # Who wrote a line of a kept transcript (TranscriptLine.sender: chat and email).
    "sender.visitor": ("bezoeker", "visitor"),
    "sender.counsellor": ("hulpverlener", "counsellor"),
    "sender.system": ("systeem", "system"),
    "sender.in": ("afzender", "sender"),
    "sender.out": ("antwoord", "reply"),
    "conv.system": ("systeem", "system"),
    "conv.typing": ("{who} typt…", "{who} is typing…"),
    "conv.holding": (
        "Bezoeker weg, gesprek wordt vastgehouden",
        "Visitor disconnected, holding",
    ),
    "conv.ended": ("Het gesprek is beëindigd.", "The conversation has ended."),
    # Why a conversation ended or left this counsellor (SEnded / SReleased reasons).
    "ended.visitor": ("door de bezoeker", "by the visitor"),
    "ended.visitor_quick": (
        "de bezoeker is snel weggegaan (knop 'Snel weg')",
        "the visitor left in a hurry ('leave quickly')",
    ),
    "ended.counsellor": ("door de hulpverlener", "by the counsellor"),
    "ended.expired": ("verbinding verlopen", "connection expired"),
    "ended.blocked": ("geblokkeerd", "blocked"),
    "ended.closed": ("gesloten", "closed"),
    "ended.handover": ("overgedragen", "handed over"),
    "ended.take_over": ("overgenomen", "taken over"),
    "ended.left": ("verlaten", "left"),
    "ended.ended": ("beëindigd", "ended"),
    "conv.composer_hint": (
        "Enter: versturen · Ctrl+J: nieuwe regel",
        "Enter: send · Ctrl+J: new line",
    ),
    "conv.not_sent": ("Niet verzonden, wordt opnieuw geprobeerd.", "Not sent yet, will retry."),
    "conv.intake": (
        "{age} · {region} · {sex} · {language}",
        "{age} · {region} · {sex} · {language}",
    ),
    "sex.female": ("vrouw", "female"),
    "sex.male": ("man", "male"),
    "sex.x": ("x", "x"),
    "sex.unknown": ("?", "?"),
    "new_chat": ("Nieuwe chat in de wachtrij: {nickname}", "New chat in the queue: {nickname}"),
    "cap_reached": (
        "Je hebt het maximum van {cap} gesprekken tegelijk bereikt.",
        "You have reached the maximum of {cap} conversations at once.",
    ),
    "queue.none": ("Er wacht niemand.", "Nobody is waiting."),
    "dialog.cancel": ("Annuleren", "Cancel"),
    "dialog.ok": ("Bevestigen", "Confirm"),
    "handover.title": ("Gesprek overdragen", "Hand over conversation"),
    "handover.target": (
        "Aan collega (gebruikersnaam) of team (team:code)",
        "To colleague (username) or team (team:code)",
    ),
    "consult.title": ("Collega raadplegen", "Consult a colleague"),
    "consult.target": ("Gebruikersnaam van de collega", "Colleague's username"),
    "colleagues.search": (
        "Zoek op naam of team, of typ een gebruikersnaam",
        "Search by name or team, or type a username",
    ),
    "colleagues.chats": ("{n} gesprekken", "{n} chats"),
    "colleagues.team": ("Team {name} (terug in de wachtrij)", "Team {name} (back to its queue)"),
    "colleagues.loading": ("Collega's ophalen…", "Fetching colleagues…"),
    "colleagues.none": ("Geen collega's online.", "No colleagues online."),
    "colleagues.unavailable": (
        "Geen lijst ({reason}): typ een gebruikersnaam.",
        "No list ({reason}): type a username.",
    ),
    "note": ("Notitie (optioneel)", "Note (optional)"),
    "end.title": ("Gesprek beëindigen?", "End this conversation?"),
    "end.body": (
        "De bezoeker krijgt te zien dat het gesprek gedaan is.",
        "The visitor will see that the conversation has ended.",
    ),
    "block.title": ("Bezoeker blokkeren", "Block visitor"),
    "block.reason": ("Reden (verplicht)", "Reason (required)"),
    "block.hours": (
        "Duur in uren (0 = permanent, enkel teamverantwoordelijke)",
        "Duration in hours (0 = permanent, team lead only)",
    ),
    "block.address": (
        "Ook het adres blokkeren (iedereen op dat netwerk)",
        "Also block the address (everyone on that network)",
    ),
    "block.address_help": (
        "Standaard blokkeer je enkel deze bezoeker (hun browser). Een adresblokkade weigert "
        "ook iedereen op hetzelfde netwerk: een gezin, een school, een opvanghuis. Kies het "
        "enkel bewust, en kort; wie geweigerd wordt, ziet ons telefoonnummer en e-mailadres.",
        "By default you block only this visitor (their browser). An address block also "
        "refuses everyone on the same network: a family, a school, a shelter. Choose it only "
        "on purpose, and short; whoever is refused sees our phone number and email address.",
    ),
    "block.invalid": (
        "Geef een reden en een geldig aantal uren.",
        "Give a reason and a valid number of hours.",
    ),
    "block.refused": ("Blokkeren geweigerd: {reason}", "Block refused: {reason}"),
    "block.refused_permanent": (
        "Permanent blokkeren geweigerd: dat mag enkel een teamverantwoordelijke. Je reden staat "
        "er nog: geef een aantal uren, of vraag het je teamverantwoordelijke.",
        "Permanent block refused: only a team lead may block permanently. Your reason is still "
        "here: give a number of hours, or ask your team lead.",
    ),
    "help.title": ("Sneltoetsen", "Keys"),
    "help.key": ("Toets", "Key"),
    "help.action": ("Actie", "Action"),
    "help.enter": (
        "Bericht versturen (invoerveld) / chat nemen (wachtrij) / openen (lijst)",
        "Send the message (composer) / take the chat (queue) / open (hot-list)",
    ),
    "help.newline": ("Nieuwe regel in het invoerveld", "New line in the composer"),
    "help.buffers": (
        "Naar gesprek 1 … 9 (nummers in 'Mijn gesprekken'), alt+0: wachtrij. Werkt alt niet "
        "in je terminal: ctrl+g en dan het nummer",
        "Switch to conversation 1 … 9 (numbers in the hot-list), alt+0: queue. If alt does "
        "not work in your terminal: ctrl+g, then the number",
    ),
    "help.step": ("Volgend / vorig gesprek", "Next / previous conversation"),
    "help.tab": ("Wisselen tussen lijst, wachtrij en invoerveld", "Move between the panes"),
    "help.palette": ("Opdrachtenlijst: elke actie, doorzoekbaar", "Command palette: every action"),
    "help.quit": ("Console afsluiten", "Quit the console"),
    "help.close": ("Sluiten", "Close"),
    "lead.title": ("Teamoverzicht", "Team overview"),
    "lead.live": ("Lopende gesprekken", "Live conversations"),
    "lead.counsellors": ("Hulpverleners", "Counsellors"),
    "lead.not_lead": ("Enkel voor teamverantwoordelijken.", "Team leads only."),
    "lead.team": ("Team", "Team"),
    "lead.counsellor": ("Hulpverlener", "Counsellor"),
    "lead.state": ("Toestand", "State"),
    "lead.duration": ("Duur", "Duration"),
    "lead.status": ("Status", "Status"),
    "lead.chats": ("Gesprekken", "Chats"),
    "typing.no_conversation": (
        "Typen kan pas in een gesprek: Enter of F3 neemt een chat, alt+1… of ctrl+g opent er een.",
        "Typing needs a conversation: Enter or F3 takes a chat, alt+1… or ctrl+g opens one.",
    ),
    "typing.ended": (
        "Dit gesprek is afgelopen: er kan niets meer naartoe.",
        "This conversation has ended: nothing can be sent to it.",
    ),
    "typing.observer": (
        "Je kijkt mee (alleen lezen): typen kan hier niet.",
        "You are observing (read only): you cannot type here.",
    ),
    "participation.consult": ("geraadpleegd", "consulted"),
    "participation.observer": ("meekijker", "observer"),
    "state.queued": ("wacht", "waiting"),
    "state.active": ("lopend", "active"),
    "state.holding": ("verbinding weg", "disconnected"),
    "state.ended": ("afgelopen", "ended"),
    "canned.title": ("Standaardantwoord", "Canned reply"),
    "error": ("Fout: {message}", "Error: {message}"),
    "key.help": ("Hulp", "Help"),
    "key.home": ("Wachtrij", "Queue"),
    "key.take": ("Neem chat", "Take next"),
    "key.availability": ("Beschikbaar/afwezig", "Available/away"),
    "key.handover": ("Overdragen", "Hand over"),
    "key.consult": ("Collega", "Consult"),
    "key.block": ("Blokkeren", "Block"),
    "key.end": ("Beëindigen/sluiten", "End/close"),
    "key.team": ("Team", "Team"),
    "key.canned": ("Standaardantwoord", "Canned reply"),
    "key.next": ("Volgend gesprek", "Next chat"),
    "key.previous": ("Vorig gesprek", "Previous chat"),
    "key.buffer": ("Gesprek {n}", "Chat {n}"),
    "key.back": ("Terug", "Back"),
    "key.join": ("Meekijken", "Join (observe)"),
    "key.take_over": ("Overnemen", "Take over"),
    "key.refresh": ("Vernieuwen", "Refresh"),
    "key.quit": ("Afsluiten", "Quit"),
    "key.palette": ("Menu", "Menu"),  # short: the footer keeps a key more at 80 columns
    "palette.theme": ("Kleuren", "Colours"),
    "palette.theme_help": ("Kies een ander kleurenschema", "Choose other colours"),
    "key.switcher": ("Naar gesprek (dan 0 … 9)", "Go to chat (then 0 … 9)"),
    "switcher.title": (
        "Naar welk gesprek? Typ het nummer (0 = wachtrij), Esc annuleert.",
        "Which conversation? Type its number (0 = queue), Esc cancels.",
    ),
    "refused.at_capacity": (
        "Je zit aan je maximum aantal gesprekken.",
        "You are at your chat limit.",
    ),
    "refused.queue_empty": ("Er wacht niemand.", "Nobody is waiting."),
    "refused.forbidden": (
        "Dat mag je niet (of het bestaat niet meer).",
        "You may not do that (or it no longer exists).",
    ),
    "refused.unavailable": (
        "Die collega is niet online of bestaat niet.",
        "That colleague is not online or does not exist.",
    ),
    "refused.offline": ("Geen verbinding met de server.", "Not connected to the server."),
    "refused.timeout": ("De server antwoordt niet.", "The server does not answer."),
    "refused.ended": ("Het gesprek is al beëindigd.", "The conversation has already ended."),
    "refused.too_long": ("Dat is te lang.", "That is too long."),
    "refused.too_large": ("Dat is te groot om te versturen.", "That is too large to send."),
    "refused.invalid": (
        "De server begreep de vraag niet (een veld ontbreekt of klopt niet).",
        "The server did not understand the request (a field is missing or wrong).",
    ),
    "refused.bad_json": (
        "De server begreep de vraag niet. Werk de console bij.",
        "The server did not understand the request. Update the console.",
    ),
    "refused.unknown_type": (
        "De server kent deze vraag niet. Werk de console bij.",
        "The server does not know this request. Update the console.",
    ),
    "refused.version_mismatch": (
        "Deze console past niet bij de server. Werk de console bij.",
        "This console does not match the server. Update the console.",
    ),
    "refused.not_started": ("Het gesprek is nog niet begonnen.", "The chat has not started."),
    "refused.already_started": ("Het gesprek is al begonnen.", "The chat has already started."),
    "refused.closed": ("De chat is nu gesloten.", "The chat is closed now."),
    "refused.rate_limited": (
        "Te veel tegelijk: wacht even en probeer opnieuw.",
        "Too much at once: wait a moment and try again.",
    ),
    "refused.not_logged_in": (
        "Je bent niet (meer) aangemeld.",
        "You are not logged in (any more).",
    ),
    "refused.superseded": (
        "Je account is op een andere console aangemeld.",
        "Your account logged in on another console.",
    ),
    "refused.too_many_chats": (
        "Te veel gesprekken vanaf hetzelfde adres.",
        "Too many chats from the same address.",
    ),
    "refused.internal": (
        "Er ging iets mis op de server; probeer opnieuw.",
        "Something went wrong on the server; try again.",
    ),
    # Case-file refusals (protocol CaseRefusal): what may be said about a file I can see.
    "refused.case_closed": ("Het dossier is al gesloten.", "The case file is already closed."),
    "refused.case_open": ("Het dossier is al open.", "The case file is already open."),
    "refused.reason_missing": (
        "Geef een reden: die is verplicht.",
        "Give a reason: it is required.",
    ),
    "refused.lead_only": (
        "Dat mag enkel een teamverantwoordelijke (of een beheerder).",
        "Only a team lead (or an administrator) may do that.",
    ),
    "refused.no_such_colleague": (
        "Er is geen actieve collega met die gebruikersnaam.",
        "There is no active colleague with that username.",
    ),
    "refused.no_such_contact": (
        "Dat contact bestaat niet, of het is niet van jou of je team.",
        "That contact does not exist, or it is not yours or your team's.",
    ),
    "refused.no_such_assessment": (
        "Dit dossier heeft geen beoordeling met dat nummer.",
        "This file has no assessment with that number.",
    ),
    "refused.no_such_consent": (
        "Dit dossier heeft geen toestemming met dat nummer.",
        "This file has no consent with that number.",
    ),
    "refused.consent_withdrawn": (
        "Die toestemming is ingetrokken: er mag niets meer op gedeeld worden.",
        "That consent was withdrawn: nothing more may be disclosed on it.",
    ),
    "refused.already_withdrawn": (
        "Die toestemming is al ingetrokken.",
        "That consent is already withdrawn.",
    ),
    "refused.transcript_gone": (
        "Geen transcript: dat contact hoort niet bij dit dossier, of het wordt niet meer bewaard.",
        "No transcript: that contact is not in this file, or it is no longer kept.",
    ),
    "refused.form_needed": (
        "Kies minstens één vorm van geweld of thema (of 'onbekend'): een hulpvraag wordt per "
        "vorm geteld.",
        "Choose at least one form of violence or theme (or 'unknown'): a request for help is "
        "counted by form.",
    ),
    "refused.chosen_twice": (
        "Een vorm of doorverwijzing is twee keer gekozen: haal er één weg.",
        "A form or referral was chosen twice: remove one.",
    ),
    "refused.too_many_victims": (
        "Te veel (mogelijke) slachtoffers voor één registratie.",
        "Too many (possible) victims for one registration.",
    ),
    "refused.call_in_future": (
        "Het gesprek kan niet in de toekomst liggen: kijk de datum en het uur na.",
        "The call cannot be in the future: check the date and time.",
    ),
    "refused.call_too_long": (
        "De duur van een gesprek ligt tussen 0 minuten en 24 uur.",
        "A call lasts between 0 minutes and 24 hours.",
    ),
    "refused.not_in_code_list": (
        "Een gekozen code staat niet (meer) in de codelijst: vernieuw en kies opnieuw.",
        "A chosen code is not (or no longer) in the code list: refresh and choose again.",
    ),
    "refused.other": ("Geweigerd (code {code}).", "Refused (code {code})."),
    "done.handover": ("Overgedragen.", "Handed over."),
    "done.invite": ("Collega uitgenodigd.", "Colleague invited."),
    "done.block": ("Bezoeker geblokkeerd.", "Visitor blocked."),
    "login.superseded": (
        "Je account is op een andere console aangemeld; deze console is gestopt.",
        "Your account logged in on another console; this console stopped.",
    ),
    "quit.title": ("Console afsluiten?", "Quit the console?"),
    "quit.body": (
        "Je hebt {count} open gesprek(ken). Afsluiten geeft ze terug aan de wachtrij; de "
        "bezoeker krijgt te horen dat een collega het overneemt.",
        "You have {count} open chat(s). Quitting hands them back to the queue; the visitor is "
        "told that a colleague will take over.",
    ),
    "login.again": ("Opnieuw aanmelden nodig: {reason}", "Please log in again: {reason}"),
    "unknown": ("onbekend", "unknown"),
    # ----- registration, phone calls and case files (issue 9) -----
    "key.cases": ("Dossiers", "Case files"),
    "key.reload": ("Vernieuwen", "Refresh"),
    "key.pending": ("Te registreren", "To register"),
    "key.phone": ("Telefoon registreren", "Register a phone call"),
    "key.reg_final": ("Registratie afronden", "Finish registration"),
    "key.reg_draft": ("Concept bewaren", "Save draft"),
    "key.reg_victim_add": ("Slachtoffer toevoegen", "Add a victim"),
    "key.reg_victim_remove": ("Laatste slachtoffer weg", "Remove last victim"),
    "key.reg_open": ("Registreren", "Register"),
    "key.pending_team": ("Mijn / team", "Mine / team"),
    "key.case_new": ("Nieuw dossier", "New case file"),
    "key.case_from_contact": ("Dossier van dit contact", "Case file from this contact"),
    "reg.save_first": ("Bewaar het telefoongesprek eerst.", "Save the phone call first."),
    "key.case_open": ("Openen", "Open"),
    "key.case_search": ("Zoeken", "Search"),
    "key.case_note": ("Notitie", "Note"),
    "key.case_assessment": ("Beoordeling", "Assessment"),
    "key.case_statement": ("Standpunt cliënt", "Client statement"),
    "key.case_referral": ("Doorverwijzing", "Referral"),
    "key.case_consent": ("Toestemming", "Consent"),
    "key.case_withdraw": ("Toestemming intrekken", "Withdraw consent"),
    "key.case_disclose": ("Delen met toestemming", "Disclose with consent"),
    "key.case_emergency": ("Noodmelding", "Emergency disclosure"),
    "key.case_link": ("Contact koppelen", "Link a contact"),
    "key.case_close": ("Sluiten / heropenen", "Close / reopen"),
    "key.case_hold": ("Juridische bewaring", "Legal hold"),
    "key.case_share": ("Delen met collega", "Share with colleague"),
    "key.case_transcript": ("Transcript", "Transcript"),
    "reg.title": ("Registratie van het contact", "Registration of the contact"),
    "reg.phone_title": ("Telefonisch contact registreren", "Register a phone call"),
    "reg.draft": ("concept", "draft"),
    "reg.final": ("afgerond", "final"),
    "reg.contact_type": ("Soort contact", "Contact type"),
    "reg.forms": (
        "Vormen van geweld en thema's (spatie kiest)",
        "Forms of violence and themes (space selects)",
    ),
    "reg.role": ("Rol van de contactpersoon", "Role of the contact person"),
    "reg.age_group": ("Leeftijd", "Age group"),
    "reg.region": ("Regio", "Region"),
    "reg.sex": ("Geslacht", "Sex"),
    "reg.victims": ("(Mogelijke) slachtoffers", "(Possible) victims"),
    "reg.victim": ("Slachtoffer {n}", "Victim {n}"),
    "reg.relation": ("Relatie tot de pleger", "Relation to the perpetrator"),
    "reg.no_victims": ("Geen (F3 voegt er een toe).", "None (F3 adds one)."),
    "reg.referrals": ("Doorverwijzingen", "Referrals"),
    "reg.when": ("Datum en uur (JJJJ-MM-DD UU:MM)", "Date and time (YYYY-MM-DD HH:MM)"),
    "reg.duration": ("Duur in minuten", "Duration in minutes"),
    "reg.bad_when": (
        "Geef datum en uur als 2026-03-02 14:30.",
        "Give the date and time as 2026-03-02 14:30.",
    ),
    "reg.bad_duration": (
        "Geef de duur in hele minuten (0 tot 1440).",
        "Give the duration in whole minutes (0 to 1440).",
    ),
    "reg.saved": ("Registratie afgerond.", "Registration finished."),
    "reg.drafted": ("Concept bewaard.", "Draft saved."),
    "reg.refused": ("Niet bewaard: {reason}", "Not saved: {reason}"),
    "pending.title": ("Contacten nog te registreren", "Contacts still to register"),
    "pending.team_title": (
        "Contacten van het team nog te registreren",
        "The team's contacts still to register",
    ),
    "pending.empty": ("Alles is geregistreerd.", "Everything is registered."),
    "pending.col.when": ("Wanneer", "When"),
    "pending.col.channel": ("Kanaal", "Channel"),
    "pending.col.state": ("Stand", "State"),
    "pending.col.who": ("Bij", "With"),
    "pending.not_started": ("niet begonnen", "not started"),
    "channel.chat": ("chat", "chat"),
    "channel.email": ("e-mail", "email"),
    "channel.phone": ("telefoon", "phone"),
    "cases.title": ("Dossiers van het team", "The team's case files"),
    "cases.empty": ("Geen dossiers gevonden.", "No case files found."),
    "cases.search": ("Zoek op pseudoniem of nummer", "Search by pseudonym or id"),
    "cases.col.pseudonym": ("Pseudoniem", "Pseudonym"),
    "cases.col.id": ("Nummer", "Id"),
    "cases.col.status": ("Stand", "Status"),
    "cases.col.opened": ("Geopend", "Opened"),
    "cases.col.flags": ("Let op", "Flags"),
    "case.open": ("open", "open"),
    "case.closed": ("gesloten", "closed"),
    "case.restricted": (
        "BEPERKTE VERWERKING (AVG art. 18): enkel bewaren, niet verwerken",
        "RESTRICTED PROCESSING (GDPR art. 18): store only, do not process",
    ),
    "case.restricted_short": ("beperkt", "restricted"),
    "case.hold": ("Juridische bewaring: {reason}", "Legal hold: {reason}"),
    "case.request": (
        "Open verzoek van de cliënt ({kind}): antwoord tegen {due}",
        "Open request from the client ({kind}): answer by {due}",
    ),
    "case.hold_short": ("bewaring", "hold"),
    "case.reopened": ("Heropend: {reason}", "Reopened: {reason}"),
    "case.reopen_title": ("Dossier heropenen", "Reopen the case file"),
    "case.reopen_reason": (
        "Waarom wordt het dossier heropend? (verplicht)",
        "Why is the file reopened? (required)",
    ),
    "case.new_title": ("Nieuw dossier", "New case file"),
    "case.pseudonym": ("Pseudoniem", "Pseudonym"),
    "case.themes": ("Thema's (spatie kiest)", "Themes (space selects)"),
    "case.header": (
        "Dossier {pseudonym} · {id} · {status} · team {team}",
        "Case file {pseudonym} · {id} · {status} · team {team}",
    ),
    "case.client": (
        "Regio {region} · leeftijd {age} · {sex} · rol {role} · thema's: {themes}",
        "Region {region} · age {age} · {sex} · role {role} · themes: {themes}",
    ),
    "case.empty": ("Nog niets in dit dossier.", "Nothing in this file yet."),
    "case.contact": ("Contact via {channel}{duration}", "Contact by {channel}{duration}"),
    "case.not_retained": (" (transcript niet meer bewaard)", " (transcript no longer kept)"),
    "case.note": ("Notitie", "Note"),
    "case.assessment": ("Beoordeling #{id}", "Assessment #{id}"),
    "case.statement": ("  Standpunt van de cliënt", "  The client's statement"),
    "case.referral": ("Doorverwezen naar {service}", "Referred to {service}"),
    "case.consent": ("Toestemming #{id}: delen met {party}", "Consent #{id}: share with {party}"),
    "case.withdrawn": (" (ingetrokken)", " (withdrawn)"),
    "case.disclosure": (
        "Gedeeld met {party} (toestemming #{consent})",
        "Disclosed to {party} (consent #{consent})",
    ),
    "case.emergency": ("NOODMELDING aan {party}", "EMERGENCY DISCLOSURE to {party}"),
    "case.justification": ("Verantwoording", "Justification"),
    "case.text": ("Tekst", "Text"),
    "case.assessment_id": ("Nummer van de beoordeling", "Number of the assessment"),
    "case.consent_id": ("Nummer van de toestemming", "Number of the consent"),
    "case.service": ("Dienst", "Service"),
    "case.reason": ("Reden (mag leeg)", "Reason (may be empty)"),
    "case.third_party": ("Aan wie", "To whom"),
    "case.scope": ("Wat", "What"),
    "case.what": ("Wat werd gedeeld", "What was disclosed"),
    "case.recipient": ("Politie (p) of parket (o)", "Police (p) or prosecutor (o)"),
    "case.contact_id": ("Nummer van het contact", "Id of the contact"),
    "case.hold_reason": ("Reden (leeg: bewaring opheffen)", "Reason (empty: release the hold)"),
    "case.colleague": ("Gebruikersnaam van de collega", "The colleague's username"),
    "case.no_transcript": (
        "Geen bewaard transcript bij dit dossier.",
        "No kept transcript in this file.",
    ),
    "case.transcript_title": ("Transcript van {channel} {at}", "Transcript of {channel} {at}"),
    "case.done": ("Bewaard.", "Saved."),
    "case.refused": ("Geweigerd: {reason}", "Refused: {reason}"),
    "case.check_field": ("kijk het veld '{field}' na", "check the field '{field}'"),
    "case.ok": ("Opslaan", "Save"),
}

_language: list[Language] = ["nl"]


def set_language(language: Language) -> None:
    """Choose the console language ("nl" or "en"); anything else falls back to Dutch."""
    _language[0] = "en" if language == "en" else "nl"


def current_language() -> Language:
    return _language[0]


def t(key: str, **values: object) -> str:
    """The text for `key` in the current language, with {placeholders} filled in."""
    pair = _STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if _language[0] == "en" else pair[0]
    return text.format(**values) if values else text


def coded(family: str, code: str) -> str:
    """The text of a protocol code of `family` ("ended", "sender", "state", ...) in the current
    language; a code this console does not know (a newer relay) as it is."""
    key = f"{family}.{code}"
    return t(key) if key in _STRINGS else code


def end_reason(reason: str) -> str:
    """Why a conversation ended, in the current language (an unknown reason as it is)."""
    return coded("ended", reason)


def refusal(code: str) -> str:
    """What a refused request means, in the current language, for a relay error code
    (protocol `ErrorCode`) or the client's own `offline` / `timeout`. An unknown code (a newer
    relay) is named inside a translated sentence, never shown on its own."""
    key = f"refused.{code}"
    return t(key) if key in _STRINGS else t("refused.other", code=code)


def sender_label(sender: str) -> str:
    """Who wrote a transcript line (visitor, counsellor, system; in, out for email)."""
    return coded("sender", sender)


def localized(cls: C) -> C:
    """A subclass of a screen whose BINDINGS describe keys in the current language.

    Textual merges bindings when a class is created, so descriptions made at import time would
    stay in the default language; the screen class gives them through `bindings()`."""
    make = getattr(cls, "bindings", None)
    if make is None:
        return cls
    return type(cls.__name__, (cls,), {"BINDINGS": make()})  # type: ignore[return-value]


def keys() -> list[str]:
    return list(_STRINGS)
