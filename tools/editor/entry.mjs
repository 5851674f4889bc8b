// The SPARQL editor of `ecograph serve`'s query page: CodeMirror 6 with the SPARQL mode of
// @codemirror/legacy-modes, bundled into src/ecograph/endpoint/assets/editor.js by
// tools/vendor_editor.sh. It exposes one global, `EcographEditor.create(options)`; the page
// script (assets/query.js) does everything else.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { HighlightStyle, StreamLanguage, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import {
  EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

const style = HighlightStyle.define([
  { tag: tags.keyword, color: "#7a1fa2", fontWeight: "bold" },
  { tag: [tags.variableName, tags.local(tags.variableName)], color: "#0b5cad" },
  { tag: tags.atom, color: "#1b7a3a" },
  { tag: tags.string, color: "#b3261e" },
  { tag: tags.number, color: "#a35200" },
  { tag: tags.comment, color: "#6b6b6b", fontStyle: "italic" },
  { tag: tags.meta, color: "#a35200" },
  { tag: [tags.operator, tags.bracket], color: "#444444" },
]);

const KEYWORDS = (
  "SELECT DISTINCT REDUCED CONSTRUCT DESCRIBE ASK WHERE FROM NAMED ORDER BY ASC DESC LIMIT " +
  "OFFSET FILTER OPTIONAL GRAPH UNION MINUS VALUES BIND AS GROUP HAVING PREFIX BASE NOT EXISTS " +
  "IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND " +
  "IRI BNODE CONCAT STRLEN SUBSTR UCASE LCASE CONTAINS STRSTARTS STRENDS REGEX REPLACE " +
  "COALESCE IF ISIRI ISLITERAL ISBLANK ISNUMERIC YEAR MONTH DAY NOW"
).split(" ");

function completions(words) {
  const options = [
    ...KEYWORDS.map((label) => ({ label, type: "keyword" })),
    ...words.map((w) => ({ label: w.label, detail: w.detail || "", type: w.type || "namespace" })),
  ];
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[\w-]*:?[\w-]*$/ };
  };
}

function create(options) {
  const run = () => {
    if (options.onRun) options.onRun();
    return true;
  };
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(style),
        autocompletion({ override: [completions(options.words || [])] }),
        keymap.of([
          { key: "Mod-Enter", run },
          { key: "Shift-Enter", run },
          indentWithTab,
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...completionKeymap,
        ]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": options.label || "SPARQL" }),
      ],
    }),
  });
  return {
    view,
    get: () => view.state.doc.toString(),
    set: (text) => {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    insertAtStart: (text) => {
      view.dispatch({ changes: { from: 0, insert: text } });
    },
    focus: () => view.focus(),
  };
}

globalThis.EcographEditor = { create };
