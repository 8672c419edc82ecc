// The in-page editor: CodeMirror 6 with Python highlighting, bundled by esbuild at set-up
// (`npm run build` in web/, run by scripts/setup.sh) into web/dist/editor.mjs, which
// docs/hooks/runner.py copies into the site. Loaded by docs/assets/run/run.js on the first Edit.
// Tab is left to the browser (CodeMirror binds it only with indentWithTab, which is not used), so
// the editor never traps keyboard focus; Escape is a no-op here, Tab then moves on.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting, HighlightStyle, indentOnInput, bracketMatching } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { tags as t } from "@lezer/highlight";

// The site's own code colours (Material's --md-code-hl-* variables, readable in light and dark),
// not CodeMirror's default palette, which fails contrast on the dark scheme.
const hl = (name) => `var(--md-code-hl-${name}-color)`;
const siteColours = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: hl("keyword") },
  { tag: [t.string, t.special(t.string)], color: hl("string") },
  { tag: [t.number, t.bool, t.null], color: hl("number") },
  { tag: t.comment, color: hl("comment"), fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: hl("function") },
  { tag: [t.className, t.definition(t.className), t.self], color: hl("constant") },
  { tag: [t.operator, t.punctuation, t.bracket], color: hl("punctuation") },
]);

/** Replace nothing: mount an editor for `doc` inside `parent`; return {get, set, focus, destroy}. */
export function createEditor(parent, doc, { label = "Python code", onRun } = {}) {
  const runKey = onRun ? [{ key: "Mod-Enter", run: () => { onRun(); return true; } },
                          { key: "Shift-Enter", run: () => { onRun(); return true; } }] : [];
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(), history(), drawSelection(), indentOnInput(),
        bracketMatching(), python(), syntaxHighlighting(siteColours),
        keymap.of([...runKey, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true" }),
      ],
    }),
  });
  return {
    get: () => view.state.doc.toString(),
    set: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
