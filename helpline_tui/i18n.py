"""The one catalogue of interface and slip strings, in English and Spanish.

Pure Python (no Textual): the referral slip in `helpline_tui.core.referral` uses it too, so a slip
can be written in either language whatever the interface language is.

    t("status.count", "es", shown="100", total="1741")  ->  "100 de 1741"

Every entry has both languages and the same {placeholders} (tests/test_i18n.py checks this).
Placeholders are filled with str.format; values from the directory are never interpreted as markup
by this module (the UI builds rich Text objects from the results).
"""

from __future__ import annotations

from helpline_tui.core.display import display_text

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

# key: (English, Español)
CATALOGUE: dict[str, tuple[str, str]] = {
    # ---- header -------------------------------------------------------------------------------
    "app.title": ("helpline", "helpline"),
    "header.services.one": ("{n} service", "{n} servicio"),
    "header.services.many": ("{n} services", "{n} servicios"),
    "header.demo": ("DEMO DATA: fictional services", "DEMO: servicios ficticios"),
    "header.updated": ("updated {date}", "actualizado {date}"),
    "header.national": ("SAMHSA National Helpline 1-800-662-4357 · 988 Suicide & Crisis Lifeline",
                        "Línea Nacional de SAMHSA 1-800-662-4357 · 988 Línea de Crisis y Suicidio"),
    # ---- search screen ------------------------------------------------------------------------
    "search.placeholder": ("Search: name, need, city or phone  (↓ results, Enter opens the first)",
                           "Buscar: nombre, necesidad, ciudad o teléfono  (↓ resultados)"),
    "status.count": ("{shown} of {total}", "{shown} de {total}"),
    "status.searching": ("Searching…", "Buscando…"),
    "status.near": ("near {place}", "cerca de {place}"),
    # "Today" in a query is the day at the place searched, else on this computer's clock.
    "status.day_at": ("{day} at {place}", "{day} en {place}"),
    "status.day_here": ("{day} on this computer's clock", "{day} según el reloj de este equipo"),
    "status.nearest_to": ("nearest to {place}, however far", "los más cercanos a {place}, a cualquier distancia"),
    "status.read_from": ("{place} (from '{words}')", "{place} (de «{words}»)"),  # how the query's place was read
    "status.nearest_to_short": ("nearest: {place}", "más cercanos: {place}"),  # a tight status line
    "status.nearest_at": ("nearest to {place}: the closest is {miles}", "los más cercanos a {place}: el primero a {miles}"),
    "status.nearest_at_short": ("nearest: {place}, {miles}", "más cercanos: {place}, {miles}"),
    "status.not_found": ("not found: {words}", "no encontrado: {words}"),
    "status.concepts_read": ("read as {concepts}", "entendido como {concepts}"),  # the service concepts a query was read as
    "status.add_place": ("add the caller's place (F2) for the nearest", "añada el lugar de quien llama (F2) para ver los más cercanos"),
    "status.not_every_word": ("no service has every word", "ningún servicio tiene todas las palabras"),
    "status.filter_error": ("Filter problem: {message}", "Problema con un filtro: {message}"),
    "status.no_results": ("No services match.", "Ningún servicio coincide."),
    "empty.query": ("No services match “{query}” with these filters.",
                    "Ningún servicio coincide con «{query}» y estos filtros."),
    "empty.filters": ("No services match these filters.", "Ningún servicio coincide con estos filtros."),
    "empty.no_filters": ("No services match “{query}”. Try fewer or other words: a name, a need, a city or a phone number.",
                         "Ningún servicio coincide con «{query}». Pruebe con menos palabras u otras: un nombre, una necesidad, una ciudad o un teléfono."),
    "empty.checking": ("Checking which filter excludes them…", "Comprobando qué filtro los excluye…"),
    "empty.without": ("Without {filter}: {n}", "Sin {filter}: {n}"),
    "empty.radius": ("Within {radius}: {n}", "A menos de {radius}: {n}"),
    "empty.widen": ("Press {key} to {action}.", "Pulse {key} para {action}."),
    "empty.nothing_helps": ("Removing one filter is not enough. Press {key} to reset all filters, or try other words.",
                            "Quitar un solo filtro no basta. Pulse {key} para quitar todos los filtros o pruebe otras palabras."),
    "widen.radius": ("widen the radius to {radius}", "ampliar el radio a {radius}"),
    "widen.drop": ("remove the filter {filter}", "quitar el filtro {filter}"),
    "widen.nothing": ("Nothing to widen: no filter excludes these results.",
                      "No hay nada que ampliar: ningún filtro excluye estos resultados."),
    "widen.done": ("Widened: {action}.", "Ampliado: {action}."),
    "filters.reset": ("Filters reset.", "Filtros quitados."),
    # ---- filter chips -------------------------------------------------------------------------
    "chip.place": ("Place", "Lugar"),
    "chip.radius": ("Radius", "Radio"),
    "chip.language": ("Language", "Idioma"),
    "chip.need": ("Need", "Necesidad"),
    "chip.kind": ("Kind", "Tipo"),
    "chip.population": ("For", "Para"),
    "chip.payment": ("Payment", "Pago"),
    "chip.any": ("any", "todos"),
    "chip.more": ("+{n}", "+{n}"),
    "filter.value": ("{filter}: {value}", "{filter}: {value}"),
    "miles": ("{n} mi", "{n} mi"),
    # ---- result rows --------------------------------------------------------------------------
    "row.area_wide": ("area-wide", "toda el área"),
    "row.lang_unknown": ("lang ?", "idioma ?"),
    "row.no_phone": ("no phone listed", "sin teléfono"),
    "row.in_list": ("✓ in list", "✓ en lista"),
    "row.inactive": ("({status})", "({status})"),
    "kind.treatment": ("Treatment", "Tratamiento"),
    "kind.support-group": ("Support group", "Grupo de apoyo"),
    "kind.community": ("Community service", "Servicio comunitario"),
    "status.active": ("active", "activo"),
    "status.inactive": ("inactive", "inactivo"),
    "status.temporarily-closed": ("temporarily closed", "cerrado temporalmente"),
    # ---- pickers ------------------------------------------------------------------------------
    "picker.narrow": ("Type to narrow the list", "Escriba para acotar la lista"),
    "picker.any": ("Any: remove this filter", "Todos: quitar este filtro"),
    "picker.help": ("↑↓ move · Enter chooses · Esc closes", "↑↓ moverse · Enter elige · Esc cierra"),
    "picker.need_help": ("Enter adds or removes a need · all chosen needs must match · Esc closes",
                         "Enter añade o quita una necesidad · deben cumplirse todas · Esc cierra"),
    "picker.counts": ("(n): services with the other filters, search words not counted.", "(n): servicios con los demás filtros, sin contar las palabras buscadas."),
    "picker.other_languages": ("Other languages", "Otros idiomas"),
    "picker.main_languages": ("Languages", "Idiomas"),
    "more.title": ("More filters", "Más filtros"),
    "location.title": ("Place: a ZIP code or “City, ST”", "Lugar: un código postal o «Ciudad, ST»"),
    "location.placeholder": ("for example 10701 or Yonkers, NY", "por ejemplo 10701 o Yonkers, NY"),
    "location.help": ("Enter sets the place · → accepts the grey suggestion · ↓ suggestions · empty + Enter removes it · Esc cancels",
                      "Enter fija el lugar · → acepta la sugerencia gris · ↓ sugerencias · vacío + Enter lo quita · Esc cancela"),
    "location.unknown": ("“{place}” is not a known ZIP code or US city; try “City, ST” or a five-digit ZIP code.",
                         "«{place}» no es un código postal ni una ciudad de EE. UU. conocida; pruebe «Ciudad, ST» o un código postal de cinco cifras."),
    "location.checking": ("Looking it up…", "Buscando…"),
    # ---- commands (label = footer/palette, help = help screen and tooltips) ------------------------
    "cmd.help.label": ("Help", "Ayuda"),
    "cmd.help.help": ("Show every key and how the screens work.", "Muestra todas las teclas y cómo funcionan las pantallas."),
    "cmd.quit.label": ("Quit", "Salir"),
    "cmd.quit.help": ("Close helpline. Nothing about the call is kept.", "Cierra helpline. No se guarda nada de la llamada."),
    "cmd.palette.label": ("Commands", "Órdenes"),
    "cmd.palette.help": ("Search every command, filter value and theme by name.",
                         "Busca por nombre cualquier orden, valor de filtro o tema."),
    "cmd.toggle_language.label": ("Español", "English"),
    "cmd.toggle_language.help": ("Switch the interface between English and Spanish.",
                                 "Cambia la interfaz entre inglés y español."),
    "cmd.end_call.label": ("End call", "Fin"),
    "cmd.end_call.help": ("Clear the search, filters, referral list and note for the next caller.",
                          "Borra la búsqueda, los filtros, la lista de derivación y la nota para la siguiente llamada."),
    "cmd.referral.label": ("Referral", "Derivar"),
    "cmd.referral.help": ("Open this call's referral list: the slip, copy and save.",
                          "Abre la lista de derivación de esta llamada: la hoja, copiar y guardar."),
    "cmd.focus_search.label": ("Search", "Buscar"),
    "cmd.focus_search.help": ("Put the cursor in the search box.", "Pone el cursor en el cuadro de búsqueda."),
    "cmd.clear_query.label": ("Clear", "Borrar"),
    "cmd.clear_query.help": ("From the results: back to the search box. In the search box: clear the words.",
                             "Desde los resultados: vuelve al cuadro de búsqueda. En el cuadro: borra las palabras."),
    "cmd.location.label": ("Place", "Lugar"),
    "cmd.location.help": ("Set the caller's place: a ZIP code or “City, ST”, with suggestions.",
                          "Fija el lugar de la persona: código postal o «Ciudad, ST», con sugerencias."),
    "cmd.language.label": ("Language", "Idioma"),
    "cmd.language.help": ("Only services in a language: English, Spanish, sign language, others.",
                          "Solo servicios en un idioma: inglés, español, lengua de señas, otros."),
    "cmd.need.label": ("Need", "Necesidad"),
    "cmd.need.help": ("Add or remove a need, grouped by the eight recovery-capital domains, with counts.",
                      "Añade o quita una necesidad, agrupadas por los ocho dominios del capital de recuperación, con recuentos."),
    "cmd.more_filters.label": ("More", "Más"),
    "cmd.more_filters.help": ("Radius, kind of service, population served and payment.",
                              "Radio, tipo de servicio, población atendida y pago."),
    "cmd.nearest_first.label": ("Nearest first", "Más cercanos primero"),
    "cmd.nearest_first.help": ("With a place set: order results by distance, or back to best match.",
                               "Con un lugar: ordena por distancia, o vuelve a la mejor coincidencia."),
    "sort.nearest": ("Nearest first.", "Más cercanos primero."),
    "sort.best": ("Best match first.", "Mejor coincidencia primero."),
    "sort.needs_place": ("Set a place (F2) to order by distance.", "Elija un lugar (F2) para ordenar por distancia."),
    "cmd.radius.label": ("Radius", "Radio"),
    "cmd.radius.help": ("Miles around the place.", "Millas alrededor del lugar."),
    "cmd.kind.label": ("Kind", "Tipo"),
    "cmd.kind.help": ("Treatment, support group or community service.", "Tratamiento, grupo de apoyo o servicio comunitario."),
    "cmd.population.label": ("For", "Para"),
    "cmd.population.help": ("Services for a population: youth, women, veterans…", "Servicios para una población: jóvenes, mujeres, veteranos…"),
    "cmd.payment.label": ("Payment", "Pago"),
    "cmd.payment.help": ("Free, Medicaid, sliding fee…", "Gratis, Medicaid, tarifa según ingresos…"),
    "cmd.reset_filters.label": ("Reset", "Quitar"),
    "cmd.reset_filters.help": ("Remove every filter (the search words stay).", "Quita todos los filtros (las palabras se mantienen)."),
    "cmd.widen.label": ("Widen", "Ampliar"),
    "cmd.widen.help": ("When nothing matches: widen the radius or drop the filter that excludes the most.",
                       "Si nada coincide: amplía el radio o quita el filtro que más excluye."),
    "cmd.open.label": ("Open", "Abrir"),
    "cmd.open.help": ("Open the highlighted service (Enter in the search box opens the first).",
                      "Abre el servicio resaltado (Enter en el cuadro de búsqueda abre el primero)."),
    "cmd.add_referral.label": ("Add/remove", "Añadir/quitar"),
    "cmd.add_referral.help": ("Add the service to this call's referral list; on its page, press again to remove it.",
                              "Añade el servicio a la lista de derivación de esta llamada; en su página, púlselo otra vez para quitarlo."),
    "cmd.back.label": ("Back", "Volver"),
    "cmd.back.help": ("Back to the results, with the same row highlighted.", "Vuelve a los resultados, con la misma fila resaltada."),
    "cmd.copy_slip.label": ("Copy", "Copiar"),
    "cmd.copy_slip.help": ("Copy the slip to the clipboard, if the terminal allows it; the text stays on screen.",
                           "Copia la hoja al portapapeles, si el terminal lo permite; el texto sigue en pantalla."),
    "cmd.slip_language.label": ("EN/ES", "EN/ES"),
    "cmd.slip_language.help": ("Write the slip in English or Spanish, whatever the interface language.",
                               "Escribe la hoja en inglés o en español, sea cual sea el idioma de la interfaz."),
    "cmd.save_text.label": ("Save txt", "Guardar txt"),
    "cmd.save_text.help": ("Save the slip as a text file; the path is shown.", "Guarda la hoja como archivo de texto; se muestra la ruta."),
    "cmd.copy_slip.palette": ("Copy the referral slip", "Copiar la hoja de derivación"),
    "cmd.save_text.palette": ("Save the referral slip as text", "Guardar la hoja de derivación como texto"),
    "cmd.save_html.palette": ("Print the referral slip: save a printable page (html)",
                              "Imprimir la hoja de derivación: guardar una página imprimible (html)"),
    "cmd.save_html.label": ("Save html", "Guardar html"),
    "cmd.save_html.help": ("Save the slip as a printable web page; the path is shown.",
                           "Guarda la hoja como página web imprimible; se muestra la ruta."),
    "cmd.remove_referral.label": ("Remove", "Quitar"),
    "cmd.remove_referral.help": ("Remove the highlighted service from the referral list.",
                                 "Quita de la lista el servicio resaltado."),
    "cmd.edit_note.label": ("Note", "Nota"),
    "cmd.edit_note.help": ("Write a short note printed on the slip.", "Escribe una nota breve que se imprime en la hoja."),
    "cmd.confirm.label": ("Choose", "Elegir"),
    "cmd.confirm.help": ("Choose the highlighted item, or confirm.", "Elige el elemento resaltado o confirma."),
    "cmd.close.label": ("Close", "Cerrar"),
    "cmd.close.help": ("Close this window.", "Cierra esta ventana."),
    "cmd.theme.label": ("Theme", "Tema"),
    "cmd.theme.help": ("Cycle dark, light and high-contrast themes.", "Alterna los temas oscuro, claro y de alto contraste."),
    # ---- detail -------------------------------------------------------------------------------
    "detail.loading": ("Loading…", "Cargando…"),
    "detail.missing": ("This service is no longer in the directory.", "Este servicio ya no está en el directorio."),
    "detail.phones": ("Phones", "Teléfonos"),
    "detail.no_phone": ("No phone listed", "Sin teléfono"),
    "phone.intake": ("Intake", "Admisión"),
    "phone.main": ("Main", "Principal"),
    "phone.hotline": ("Hotline", "Línea directa"),
    "phone.dial_in": ("Join by phone", "Por teléfono"),
    # A conference dial-in read out: the number, then what to key in when asked.
    "dial.then": ("{number}, then: {keys}", "{number}, luego: {keys}"),
    "dial.meeting_id": ("meeting ID {digits}", "ID de reunión {digits}"),
    "dial.passcode": ("passcode {digits}", "código de acceso {digits}"),
    "detail.address": ("Address", "Dirección"),
    "detail.no_address": ("No street address listed", "Sin dirección"),
    "detail.county": ("County", "Condado"),
    "detail.service_area": ("Service area", "Área atendida"),
    "detail.hours": ("Hours", "Horario"),
    "detail.today": ("Today ({day})", "Hoy ({day})"),
    "detail.week": ("Week", "Semana"),
    "detail.local_time": ("at {time} local time", "a las {time} hora local"),
    "hours.open_now": ("OPEN NOW", "ABIERTO AHORA"),
    "hours.closed_now": ("CLOSED NOW (per the listed hours)", "CERRADO AHORA (según el horario publicado)"),
    "hours.unknown": ("Hours not known: call to check", "Horario desconocido: llame para confirmar"),
    "hours.none_today": ("no hours listed today", "sin horario para hoy"),
    "hours.all_day": ("24 hours", "24 horas"),
    "hours.closed_day": ("—", "—"),
    "day.sun": ("Sunday", "domingo"),
    "day.mon": ("Monday", "lunes"),
    "day.tue": ("Tuesday", "martes"),
    "day.wed": ("Wednesday", "miércoles"),
    "day.thu": ("Thursday", "jueves"),
    "day.fri": ("Friday", "viernes"),
    "day.sat": ("Saturday", "sábado"),
    "dayshort.sun": ("Sun", "dom"),
    "dayshort.mon": ("Mon", "lun"),
    "dayshort.tue": ("Tue", "mar"),
    "dayshort.wed": ("Wed", "mié"),
    "dayshort.thu": ("Thu", "jue"),
    "dayshort.fri": ("Fri", "vie"),
    "dayshort.sat": ("Sat", "sáb"),
    "detail.languages": ("Languages", "Idiomas"),
    "detail.languages_unknown": ("Not stated by the source (unknown, not English-only)",
                                 "La fuente no lo indica (desconocido, no solo inglés)"),
    "detail.needs": ("Services, by recovery-capital domain", "Servicios, por dominio del capital de recuperación"),
    "detail.no_needs": ("No services listed", "Sin servicios indicados"),
    "detail.populations": ("Serves", "Atiende a"),
    "detail.payment": ("Payment", "Pago"),
    "detail.description": ("Description", "Descripción"),
    "detail.website": ("Website", "Sitio web"),
    "detail.email": ("Email", "Correo"),
    "detail.kind": ("Kind", "Tipo"),
    "detail.status": ("Status", "Estado"),
    "detail.organization": ("Organization", "Organización"),
    "detail.site": ("Site", "Sede"),
    "detail.distance": ("Distance", "Distancia"),
    "detail.provenance": ("Where this comes from", "De dónde viene"),
    "detail.source": ("Source", "Fuente"),
    "detail.imported": ("Imported", "Importado"),
    "detail.verified": ("Last verified", "Verificado"),
    "detail.not_verified": ("not verified by the source", "la fuente no indica verificación"),
    "detail.id": ("Record id", "Identificador"),
    "detail.position": ("Position", "Posición"),
    "detail.position_exact": ("street address", "dirección exacta"),
    "detail.position_none": ("no map position", "sin posición en el mapa"),
    "detail.position_zip": ("approximate (centre of the ZIP code)", "aproximada (centro del código postal)"),
    "detail.position_approximate": ("approximate", "aproximada"),
    "flag.approximate": ("~ Approximate position: placed at its ZIP code's centre, so distances are approximate.",
                         "~ Posición aproximada: situado en el centro de su código postal; las distancias son aproximadas."),
    "flag.area_wide": ("Area-wide: listed because its service area covers the place, not by distance.",
                       "Toda el área: aparece porque su área de servicio cubre el lugar, no por distancia."),
    "flag.inactive": ("Status: {status}. This service may not be operating.",
                      "Estado: {status}. Puede que este servicio no esté funcionando."),
    # What a source lists that the needs above do not say (SAMHSA codes named as SAMHSA names them).
    "detail.also_listed": ("Also listed by the source", "La fuente también indica"),
    "detail.concepts": ("Services", "Servicios"),
    "detail.concepts_inferred": ("Services, inferred (not coded by the source)",
                                 "Servicios, deducidos (no codificados por la fuente)"),
    # A meeting's page: how it meets and its types (names from the Meeting Guide spec).
    "detail.meeting": ("Meeting", "Reunión"),
    "meeting.online-only": ("Online only.", "Solo en línea."),
    "meeting.room-closed-online": ("Online only: the meeting room is temporarily closed.",
                                   "Solo en línea: el local de la reunión está cerrado temporalmente."),
    "meeting.hybrid": ("In person and online.", "En persona y en línea."),
    "meeting.types": ("Meeting types", "Tipo de reunión"),
    "detail.join_online": ("Join online", "En línea"),
    "detail.raw": ("Source record, as imported", "Registro de la fuente, tal como se importó"),
    "detail.in_list": ("✓ In this call's referral list", "✓ En la lista de derivación de esta llamada"),
    "detail.not_in_list": ("Not in the referral list: press {key} to add it",
                           "No está en la lista de derivación: pulse {key} para añadirlo"),
    "domain.other": ("Other", "Otros"),
    # ---- referral -----------------------------------------------------------------------------
    "referral.title": ("Referral list for this call", "Lista de derivación de esta llamada"),
    "referral.count": ("{n} in the list", "{n} en la lista"),
    "referral.empty": ("No services yet. In the results or a service's page, press {key} to add one.",
                       "Aún no hay servicios. En los resultados o en la ficha de un servicio, pulse {key} para añadir uno."),
    "referral.note": ("Note", "Nota"),
    "referral.note_placeholder_unsaved": ("Short note on the copied slip, never in a saved one (optional)",
                                          "Nota breve en la hoja copiada, nunca en una guardada (opcional)"),
    "referral.note_placeholder": ("Short note printed on the slip (optional)", "Nota breve que se imprime en la hoja (opcional)"),
    "referral.slip": ("Slip in {language}", "Hoja en {language}"),
    "referral.added": ("Added to the referral list: {name}", "Añadido a la lista de derivación: {name}"),
    "referral.removed": ("Removed from the referral list: {name}", "Quitado de la lista de derivación: {name}"),
    "referral.already": ("Already on the referral list: {name} ({key} shows the list)",
                         "Ya está en la lista de derivación: {name} ({key} muestra la lista)"),
    # One line under the slip at 80 columns; the terminal may refuse the copy without saying so.
    "referral.copied": ("Slip copied, if the terminal allows it. If it won't paste, save it with {key}.",
                        "Hoja copiada, si el terminal lo permite. Si no se pega, guárdela con {key}."),
    "referral.saved": ("Saved: {path}", "Guardado: {path}"),
    # Slips are 0600 in a 0700 folder; another user's folder helpline cannot tighten is said.
    "referral.saved_shared": ("Saved, in a folder other users can open: {path}",
                              "Guardado, en una carpeta que otros usuarios pueden abrir: {path}"),
    "referral.save_failed": ("Could not save the slip: {error}", "No se pudo guardar la hoja: {error}"),
    "referral.nothing": ("The referral list is empty.", "La lista de derivación está vacía."),
    "referral.help": ("Tab moves between the list, the note and the slip.", "Tab pasa de la lista a la nota y a la hoja."),
    # ---- end of call ------------------------------------------------------------------------------
    "endcall.title": ("End this call?", "¿Terminar esta llamada?"),
    "endcall.body": ("This clears the search, the filters, the referral list ({n}) and the note.",
                     "Se borran la búsqueda, los filtros, la lista de derivación ({n}) y la nota."),
    # What outlives the call, said exactly: saved slips stay in their folder, the note in them too.
    "endcall.nothing_kept": ("Nothing about the caller is kept: no slip was saved during this call.",
                             "No se guarda nada de la persona: no se guardó ninguna hoja en esta llamada."),
    "endcall.kept_note.one": ("Kept: {n} slip saved during this call, with the note, in {folder} (only you can open it).",
                              "Se conserva: {n} hoja guardada en esta llamada, con la nota, en {folder} (solo usted puede abrirla)."),
    "endcall.kept_note.many": ("Kept: {n} slips saved during this call, with the note, in {folder} (only you can open them).",
                               "Se conservan: {n} hojas guardadas en esta llamada, con la nota, en {folder} (solo usted puede abrirlas)."),
    "endcall.kept.one": ("Kept: {n} slip saved during this call, without a note, in {folder} (only you can open it).",
                         "Se conserva: {n} hoja guardada en esta llamada, sin nota, en {folder} (solo usted puede abrirla)."),
    "endcall.kept.many": ("Kept: {n} slips saved during this call, without a note, in {folder} (only you can open them).",
                          "Se conservan: {n} hojas guardadas en esta llamada, sin nota, en {folder} (solo usted puede abrirlas)."),
    "endcall.notes_never_saved": ("Notes are never kept in saved slips on this computer.",
                                  "En este equipo las notas nunca se guardan en las hojas."),
    "endcall.confirm": ("Enter: end call", "Enter: terminar"),
    "endcall.cancel": ("Esc: keep working", "Esc: seguir"),
    "endcall.done": ("Call ended: search, filters, referral list and note cleared.",
                     "Llamada terminada: búsqueda, filtros, lista y nota borradas."),
    # ---- live directory, settings, themes -----------------------------------------------------------
    "reload.done": ("Directory updated: {n} services. Your search, filters and referral list were kept.",
                    "Directorio actualizado: {n} servicios. Se mantienen la búsqueda, los filtros y la lista."),
    "reload.failed": ("The directory file changed but could not be reopened ({error}); still showing the previous version.",
                      "El archivo del directorio cambió pero no se pudo abrir ({error}); se sigue mostrando la versión anterior."),
    "config.error": ("Settings file ignored: {error}", "Archivo de ajustes ignorado: {error}"),
    "theme.unknown": ("Unknown theme “{name}”; using {fallback}.", "Tema desconocido «{name}»; se usa {fallback}."),
    "theme.set": ("Theme: {name}", "Tema: {name}"),
    "quit.hint": ("Press {key} to quit helpline.", "Pulse {key} para salir de helpline."),
    "worker.failed": ("Something went wrong ({error}); the call can go on.",
                      "Algo falló ({error}); la llamada puede continuar."),
    "search.failed": ("The search failed: {error}", "La búsqueda falló: {error}"),
    "language.set": ("Interface in English.", "Interfaz en español."),
    # ---- help screen ----------------------------------------------------------------------------
    "help.title": ("Keys and help", "Teclas y ayuda"),
    "help.flow": ("Type what the caller asks for: results change with every key. ↓ moves into the results, "
                  "↑ on the first row returns to the search box, Enter opens a service, Esc goes back. "
                  "Filters sit under the search box: Tab reaches them, Enter changes one.",
                  "Escriba lo que pide la persona: los resultados cambian con cada tecla. ↓ entra en los resultados, "
                  "↑ en la primera fila vuelve al cuadro de búsqueda, Enter abre un servicio, Esc vuelve atrás. "
                  "Los filtros están bajo el cuadro de búsqueda: Tab llega a ellos, Enter cambia uno."),
    "help.marks": ("Marks: ✓ in the referral list · ~ approximate distance · “area-wide”: covers the place · EN ES SGN: languages (SGN sign language services, ASL American Sign Language).",
                   "Marcas: ✓ en la lista de derivación · ~ distancia aproximada · «toda el área»: cubre el lugar · EN ES SGN: idiomas (SGN servicios en lengua de señas, ASL lengua de señas americana)."),
    "help.clipboard": ("Copy puts the slip on the clipboard through the terminal, when the terminal allows it "
                       "(in tmux this needs “set -g set-clipboard on”). "
                       "The slip is always on screen and can be saved as .txt or .html.",
                       "Copiar pone la hoja en el portapapeles a través del terminal, si el terminal lo permite "
                       "(en tmux hace falta «set -g set-clipboard on»). "
                       "La hoja siempre está en pantalla y se puede guardar como .txt o .html."),
    "help.keymap": ("Keys can be changed in {path} under [keys], e.g. end_call = \"f12\".",
                    "Las teclas se cambian en {path}, sección [keys], p. ej. end_call = \"f12\"."),
    "help.mouse": ("The mouse works too: click a row, a filter or a key in the footer.",
                   "El ratón también funciona: pulse una fila, un filtro o una tecla del pie."),
    "help.scope.app": ("Everywhere", "En todas partes"),
    "help.scope.search": ("Search and results", "Búsqueda y resultados"),
    "help.scope.detail": ("A service's page", "Ficha de un servicio"),
    "help.scope.referral": ("Referral list", "Lista de derivación"),
    "help.scope.dialog": ("Pickers and dialogs", "Selectores y diálogos"),
    "help.close": ("Esc or F1 closes this help.", "Esc o F1 cierra esta ayuda."),
    # ---- palette ------------------------------------------------------------------------------
    "palette.placeholder": ("Search commands, filters and themes…", "Buscar órdenes, filtros y temas…"),
    "palette.filter": ("{facet}: {value}", "{facet}: {value}"),
    "palette.filter_help": ("Set this filter.", "Aplica este filtro."),
    "palette.theme": ("Theme: {name}", "Tema: {name}"),
    "palette.theme_help": ("Switch to this theme.", "Cambia a este tema."),
    "palette.no_matches": ("No matches found", "No se encontró nada"),
    # key names as keyboards label them ("del" would read as the Spanish word)
    "key.delete": ("del", "Supr"),
    # ---- referral slip ------------------------------------------------------------------------
    "slip.title": ("Services recommended for you", "Servicios recomendados para usted"),
    "slip.date": ("Date: {date}", "Fecha: {date}"),
    "slip.address": ("Address", "Dirección"),
    "slip.phone": ("Phone", "Teléfono"),
    "slip.intake": ("Intake phone", "Teléfono de admisión"),
    "slip.hotline": ("Hotline", "Línea directa"),
    "slip.dial_in": ("Join by phone", "Unirse por teléfono"),
    "slip.hours": ("Hours", "Horario"),
    "slip.hours_unknown": ("call to confirm", "llame para confirmar"),
    "slip.languages": ("Languages", "Idiomas"),
    "slip.languages_unknown": ("ask when you call", "pregunte al llamar"),
    "slip.website": ("Website", "Sitio web"),
    "slip.note": ("Note", "Nota"),
    "slip.call_first": ("Please call before you go: hours and services can change.",
                        "Llame antes de ir: los horarios y los servicios pueden cambiar."),
    "slip.check_first": ("Hours and services can change: check with the service before you go.",
                         "Los horarios y los servicios pueden cambiar: confírmelo con el servicio antes de ir."),
    "slip.what": ("What", "Qué es"),
    "slip.who_can_go": ("Who can go", "Quién puede ir"),
    "slip.closed_meeting": ("closed meeting: only for people who want to stop drinking or using themselves, "
                            "not for family or friends",
                            "reunión cerrada: solo para quienes quieren dejar de beber o de consumir, "
                            "no para familiares ni amigos"),
    "slip.open_meeting": ("open meeting: anyone, family and friends too", "reunión abierta: cualquier persona, también familiares y amigos"),
    "slip.meets": ("How it meets", "Cómo se reúne"),
    "slip.join_online": ("Join online", "Unirse en línea"),
    "slip.serves": ("Serves", "Atiende a"),
    "slip.payment": ("Payment", "Pago"),
    "slip.fees": ("Cost", "Costo"),
    "slip.apply": ("How to apply", "Cómo solicitarlo"),
    "slip.matched": ("Has what you asked for", "Tiene lo que pidió"),
    "slip.help_now": ("If you need help now: SAMHSA National Helpline 1-800-662-4357 (free, confidential, 24/7, "
                      "English and Spanish). Suicide & Crisis Lifeline: call or text 988.",
                      "Si necesita ayuda ahora: Línea Nacional de Ayuda de SAMHSA 1-800-662-4357 (gratuita, confidencial, "
                      "24/7, en inglés y español). Línea 988 de Prevención del Suicidio y Crisis: llame o envíe un texto al 988."),
    "slip.demo": ("DEMO DATA: these services are fictional.", "DATOS DE DEMOSTRACIÓN: estos servicios son ficticios."),
    "slip.empty": ("(no services in the list)", "(no hay servicios en la lista)"),
    "slip.print": ("Print", "Imprimir"),
    "lang.en": ("English", "inglés"),
    "lang.es": ("Spanish", "español"),
}


def normalise_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The string for `key` in `lang`, with {placeholders} filled from `values`. A value quoted in
    it (a service's name, a file's path, an error) is shown by the one display rule: no text from a
    source or a file name drives the terminal through a notice or a status line."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key  # visible in the UI and caught by the tests; never a crash during a call
    text = entry[1] if lang == "es" else entry[0]
    if not values:
        return text
    return text.format(**{k: display_text(v) if isinstance(v, str) else v for k, v in values.items()})


def tn(key: str, n: int, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Singular/plural: looks up `key.one` or `key.many` and fills {n} with the formatted number."""
    suffix = "one" if n == 1 else "many"
    return t(f"{key}.{suffix}", lang, n=number(n, lang), **values)


def number(n: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """1,741 in English; 1741 and 20 003 in Spanish (RAE: no separator under 10 000, a space above)."""
    if lang == "es":
        return str(n) if abs(n) < 10000 else f"{n:,}".replace(",", "\u202f")
    return f"{n:,}"


def miles(value: float, lang: str = DEFAULT_LANGUAGE) -> str:
    text = f"{value:g}" if value == int(value) else f"{value:.1f}"
    if lang == "es":
        text = text.replace(".", ",")
    return t("miles", lang, n=text)
