"""What the plain (screen-reader) interface says that the TUI's catalogue (helpline_tui/i18n.py)
has no string for, in English and Spanish, and the command words it understands in either.

Kept apart from the TUI's catalogue: these are sentences for a line-by-line reader, not labels for
a screen. Values are filled as `i18n.t` fills them (the one display rule), so a name from a source
cannot drive the terminal. Every entry has both languages and the same {placeholders}
(tests/test_plain.py checks it).
"""

from __future__ import annotations

from helpline_tui.core.display import display_text

# key: (English, Español)
WORDS: dict[str, tuple[str, str]] = {
    "ready": ("helpline, plain mode. {n} services. Type what the caller needs, or help.",
              "helpline, modo texto. {n} servicios. Escriba lo que necesita la persona, o ayuda."),
    "demo": ("Demo data: fictional services.", "Datos de demostración: servicios ficticios."),
    "prompt": ("> ", "> "),
    "help": ("Commands: type words to search; more; open N; add N; remove N; list; place ZIP or City, ST; "
             "place, to clear it; nearest; language es; need methadone; kind treatment; filters; clear filters; "
             "note TEXT; slip; slip es or slip en; nothing suitable (call tally); end call; repeat; español; quit. Short keys: o N, a N, m.",
             "Órdenes: escriba palabras para buscar; más; abrir N; añadir N; quitar N; lista; lugar código postal "
             "o Ciudad, ST; lugar, para quitarlo; cercanos; idioma en; necesidad metadona; tipo tratamiento; filtros; "
             "quitar filtros; nota TEXTO; hoja; hoja es u hoja en; nada adecuado (recuento); terminar llamada; repetir; english; salir. "
             "Teclas cortas: o N, a N, m."),
    "results.none": ("No results.", "Ningún resultado."),
    "results.one": ("1 result{where}.", "1 resultado{where}."),
    "results.many": ("{n} results{where}.", "{n} resultados{where}."),
    "results.near": (" near {place}", " cerca de {place}"),
    "results.nearest_to": (" nearest to {place}, however far", " los más cercanos a {place}, a cualquier distancia"),
    "results.days": ("For {days}.", "Para {days}."),
    "results.not_found": ("Not found: {words}.", "No encontrado: {words}."),
    "results.fellowship_missing": ("No {fellowship} groups in this directory: {others} shown instead.",
                                   "No hay grupos de {fellowship} en este directorio: se muestran {others}."),
    "results.more": ("Type more for results {first} to {last}.", "Escriba más para los resultados {first} a {last}."),
    "results.end": ("No more results.", "No hay más resultados."),
    "results.add_place": ("Add the caller's place for the nearest: place ZIP.",
                          "Añada el lugar de quien llama para ver los más cercanos: lugar código postal."),
    "row": ("{i} of {n}: {text}", "{i} de {n}: {text}"),
    "row.phone": ("phone {phone}", "teléfono {phone}"),
    "row.no_phone": ("no phone listed", "sin teléfono"),
    "row.languages_unknown": ("languages unknown", "idiomas desconocidos"),
    "row.more_languages": ("and {n} more", "y {n} más"),
    "row.in_list": ("on the list", "en la lista"),
    "row.inactive": ("{status}", "{status}"),
    "miles": ("{n} miles", "{n} millas"),
    "miles.about": ("about {n} miles", "aproximadamente {n} millas"),
    "mile": ("{n} mile", "{n} milla"),
    "mile.about": ("about {n} mile", "aproximadamente {n} milla"),
    "phone.extension": ("extension {digits}", "extensión {digits}"),
    "no_search": ("Search first: type what the caller needs.", "Busque primero: escriba lo que necesita la persona."),
    "no_such": ("There is no result {i}; the results go from 1 to {n}.",
                "No hay resultado {i}; los resultados van del 1 al {n}."),
    "no_such_item": ("There is no item {i} on the referral list; it holds {n}.",
                     "No hay elemento {i} en la lista de derivación; tiene {n}."),
    "which": ("Which one? Say {command} and a number, such as {command} 1.",
              "¿Cuál? Diga {command} y un número, por ejemplo {command} 1."),
    "detail.title": ("Service {i} of {n}: {name}", "Servicio {i} de {n}: {name}"),
    "detail.in_list": ("On the referral list.", "En la lista de derivación."),
    "detail.not_in_list": ("Not on the list: add {i} adds it.", "No está en la lista: añadir {i} lo añade."),
    "label.organization": ("Organization", "Organización"),
    "label.address": ("Address", "Dirección"),
    "label.distance": ("Distance", "Distancia"),
    "label.hours": ("Hours", "Horario"),
    "label.hours_today": ("Hours today, {day}", "Horario de hoy, {day}"),
    "label.languages": ("Languages", "Idiomas"),
    "label.needs": ("Needs", "Necesidades"),
    "label.meeting": ("Meets", "Se reúne"),
    "label.website": ("Website", "Sitio web"),
    "label.status": ("Status", "Estado"),
    "value.none_listed": ("none listed", "ninguno indicado"),
    "already": ("Already on the referral list: {name}", "Ya está en la lista de derivación: {name}"),
    "list.empty": ("The referral list is empty. Add a service with add and its number.",
                   "La lista de derivación está vacía. Añada un servicio con añadir y su número."),
    "list.one": ("Referral list, 1 service:", "Lista de derivación, 1 servicio:"),
    "list.many": ("Referral list, {n} services:", "Lista de derivación, {n} servicios:"),
    "list.row": ("{i}: {name}, {phone}", "{i}: {name}, {phone}"),
    "filters.none": ("No filters.", "Sin filtros."),
    "filters.cleared": ("Filters cleared.", "Filtros quitados."),
    "place.cleared": ("Place cleared.", "Lugar quitado."),
    "place.set": ("Place: {place}, within {radius}.", "Lugar: {place}, a menos de {radius}."),
    "language.cleared": ("Language filter cleared.", "Filtro de idioma quitado."),
    "language.set": ("Language: {language}.", "Idioma: {language}."),
    "language.unknown": ("{value} is not a language code or name; try es, en or asl.",
                         "{value} no es un código ni un nombre de idioma; pruebe es, en o asl."),
    "need.cleared": ("Need filter cleared.", "Filtro de necesidad quitado."),
    "need.set": ("Needs: {needs}.", "Necesidades: {needs}."),
    "need.unknown": ("{value} is not a need helpline knows; helpline needs lists them.",
                     "{value} no es una necesidad que helpline conozca; helpline needs las enumera."),
    "kind.cleared": ("Kind filter cleared.", "Filtro de tipo quitado."),
    "kind.set": ("Kind: {kind}.", "Tipo: {kind}."),
    "kind.unknown": ("{value} is not a kind; the kinds are {kinds}.", "{value} no es un tipo; los tipos son {kinds}."),
    "sort.nearest": ("Nearest first.", "Los más cercanos primero."),
    "sort.best": ("Best match first.", "Los que mejor coinciden primero."),
    "sort.needs_place": ("Nearest first needs a place: place ZIP, or a city in the search.",
                         "Para ver los más cercanos hace falta un lugar: lugar código postal, o una ciudad en la búsqueda."),
    "note.set": ("Note saved for the slip.", "Nota guardada para la hoja."),
    "note.cleared": ("Note cleared.", "Nota borrada."),
    "slip.language": ("Slip in {language}.", "Hoja en {language}."),
    "slip.start": ("Slip, {lines} lines:", "Hoja, {lines} líneas:"),
    "slip.end": ("End of slip.", "Fin de la hoja."),
    "endcall.ask": ("End the call? This clears the search, filters, referral list ({n}) and note. Type yes to end, "
                    "anything else to keep working.",
                    "¿Terminar la llamada? Se borran la búsqueda, los filtros, la lista de derivación ({n}) y la nota. "
                    "Escriba sí para terminar, cualquier otra cosa para seguir."),
    "endcall.kept": ("Call kept.", "Llamada sigue."),
    "nothing_to_repeat": ("Nothing to repeat yet.", "Aún no hay nada que repetir."),
    "reloaded": ("Directory updated: {n} services.", "Directorio actualizado: {n} servicios."),
    "bye": ("Goodbye.", "Adiós."),
    "tally.on": ("Call tally on: each call's needs and whether a service was given are counted, nothing typed is kept. "
                 "nothing suitable marks this search's needs.",
                 "Recuento de llamadas activo: se cuentan las necesidades de cada llamada y si se dio un servicio, "
                 "no se guarda nada de lo escrito. nada adecuado marca las necesidades de esta búsqueda."),
}

# Command words, either language, whatever the interface language: a Spanish-speaking volunteer
# may type "open 3" and an English one "abrir 3". Accents optional ("mas", "anadir").
COMMANDS: dict[str, str] = {}
for _action, _names in {
    "help": ("help", "?", "ayuda", "commands", "ordenes", "órdenes"),
    "more": ("more", "m", "next", "más", "mas", "siguiente"),
    "open": ("open", "o", "abrir", "abre"),
    "add": ("add", "a", "añadir", "anadir", "agregar"),
    "remove": ("remove", "r", "quitar", "borrar"),
    "list": ("list", "l", "lista"),
    "place": ("place", "p", "near", "lugar", "cerca"),
    "language": ("language", "lang", "idioma"),
    "need": ("need", "needs", "necesidad", "necesidades"),
    "kind": ("kind", "tipo"),
    "filters": ("filters", "filtros"),
    "nearest": ("nearest", "nearest first", "best match", "cercanos", "más cercanos", "mas cercanos"),
    "clear_filters": ("clear filters", "reset", "quitar filtros", "borrar filtros"),
    "note": ("note", "nota"),
    "slip": ("slip", "hoja"),
    "end_call": ("end call", "end", "new call", "terminar llamada", "terminar", "fin de llamada", "nueva llamada"),
    "repeat": ("repeat", "again", "repetir", "otra vez"),
    "nothing_suitable": ("nothing suitable", "unmet", "nada adecuado"),
    "spanish": ("español", "espanol", "spanish"),
    "english": ("english", "inglés", "ingles"),
    "quit": ("quit", "exit", "salir", "adiós", "adios"),
}.items():
    for _name in _names:
        COMMANDS[_name] = _action

YES = ("yes", "y", "sí", "si", "s")


def w(key: str, lang: str, /, **values: object) -> str:
    """The sentence for `key` in `lang`, values filled by the one display rule."""
    entry = WORDS.get(key)
    if entry is None:
        return key
    text = entry[1] if lang == "es" else entry[0]
    return text.format(**{k: display_text(v) if isinstance(v, str) else v for k, v in values.items()})
