// The texts of the network page's script, in the page's language (German first, English).
// A static file cannot use Django's gettext; the page's <html lang> chooses the set.

const TEXTS = {
  de: {
    loading: "Das Netzwerk wird geladen …",
    failed: "Das Netzwerk konnte nicht geladen werden. Die Tabellen auf dieser Seite zeigen dieselben Daten.",
    noWebgl:
      "Ihr Browser kann den Graphen nicht zeichnen (WebGL ist nicht verfügbar). Die Tabellen auf dieser Seite zeigen dieselben Daten.",
    date: "Stand am",
    groups: "Gruppen (Farbe im Graphen)",
    kinds: "Arten von Verbindungen",
    kind_tie: "erfasste Verbindungen",
    kind_coattendance: "gemeinsame Workshops",
    kind_shared_responsibility: "gemeinsame Ziele und Ergebnisse",
    kind_introduction: "Vorstellungen durch Brücken",
    edgeIntroduction: "Vorstellung durch Brücken (dick, magenta)",
    edgeAcross: "Verbindung zwischen Migrantenorganisationen und kommunaler Seite (dick, dunkel)",
    edgeWithin: "Verbindung innerhalb einer Seite (dünn, grau)",
    zoom: "Ansicht",
    zoomIn: "Vergrößern",
    zoomOut: "Verkleinern",
    zoomReset: "Ganzes Netzwerk zeigen",
    shown: ["{n} Verbindung angezeigt", "{n} Verbindungen angezeigt"],
    across: "davon {n} über die Gruppen hinweg",
    graph:
      "Netzwerkgraph: {nodes} Organisationen. Ein Klick auf eine Organisation öffnet ihr Profil; mit der Tastatur über das Suchfeld „Organisation im Graphen finden“. Die Tabellen auf dieser Seite enthalten dieselben Daten.",
    hint: "Ziehen verschiebt den Ausschnitt, das Mausrad zoomt. Ein Klick auf eine Organisation öffnet ihr Profil.",
    find: "Organisation im Graphen finden",
    findButton: "Zeigen",
    found: "{name} ({group}, {degree} Verbindungen) ist im Graphen hervorgehoben.",
    notFound: "Keine Organisation im Graphen heißt „{name}“.",
    openProfile: "Profil von {name} öffnen",
    crossShare: "Anteil der Verbindungen über die Gruppen hinweg",
    eiIndex: "E-I-Index",
    density: "Dichte",
    chart:
      "Diagramm: Anteil der Verbindungen über die Gruppen hinweg, E-I-Index und Dichte zu den Workshop-Terminen. Die Tabelle der Kennzahlen enthält dieselben Werte.",
  },
  en: {
    loading: "Loading the network …",
    failed: "The network could not be loaded. The tables on this page show the same data.",
    noWebgl:
      "Your browser cannot draw the graph (WebGL is not available). The tables on this page show the same data.",
    date: "As of",
    groups: "Groups (colour in the graph)",
    kinds: "Kinds of ties",
    kind_tie: "recorded ties",
    kind_coattendance: "shared workshops",
    kind_shared_responsibility: "shared goals and results",
    kind_introduction: "introductions through Brücken",
    edgeIntroduction: "Introduction through Brücken (thick, magenta)",
    edgeAcross: "Tie between migrant organisations and the municipal side (thick, dark)",
    edgeWithin: "Tie within one side (thin, grey)",
    zoom: "View",
    zoomIn: "Zoom in",
    zoomOut: "Zoom out",
    zoomReset: "Show the whole network",
    shown: ["{n} tie shown", "{n} ties shown"],
    across: "{n} of them across the groups",
    graph:
      "Network graph: {nodes} organisations. Clicking an organisation opens its profile; with the keyboard, use the field “Find an organisation in the graph”. The tables on this page hold the same data.",
    hint: "Drag to move the view, use the mouse wheel to zoom. Click an organisation to open its profile.",
    find: "Find an organisation in the graph",
    findButton: "Show",
    found: "{name} ({group}, {degree} ties) is highlighted in the graph.",
    notFound: "No organisation in the graph is called “{name}”.",
    openProfile: "Open the profile of {name}",
    crossShare: "Share of ties across the groups",
    eiIndex: "E-I index",
    density: "Density",
    chart:
      "Chart: share of ties across the groups, E-I index and density at the workshop dates. The table of figures holds the same values.",
  },
};

export const LANGUAGE = (document.documentElement.lang || "de").slice(0, 2) === "en" ? "en" : "de";
const PLURAL = new Intl.PluralRules(LANGUAGE);

/** The text `key`, with `{name}` placeholders filled from `values` (numbers formatted). */
export function text(key, values = {}) {
  let template = TEXTS[LANGUAGE][key];
  if (Array.isArray(template)) {
    template = template[PLURAL.select(values.n) === "one" ? 0 : 1];
  }
  return template.replace(/\{(\w+)\}/g, (_, name) => formatNumber(values[name]));
}

export function formatNumber(value) {
  return typeof value === "number" ? value.toLocaleString(LANGUAGE) : String(value);
}

const DATES = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: "long", timeZone: "UTC" });

/** "2026-03-01" as a date in the page's language. */
export function formatDate(iso) {
  return DATES.format(new Date(`${iso}T00:00:00Z`));
}
