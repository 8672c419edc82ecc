// The in-page editor: CodeMirror 6 with Python highlighting, bundled by esbuild at set-up
// (`npm run build` in web/, run by scripts/setup.sh) into web/dist/editor.mjs, which
// docs/hooks/runner.py copies into the site. Loaded by docs/assets/run/run.js on the first Edit.
// Tab is left to the browser (CodeMirror binds it only with indentWithTab, which is not used), so
// the editor never traps keyboard focus; Escape is a no-op here, Tab then moves on.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching } from "@codemirror/language";
import { python } from "@codemirror/lang-python";

/** Replace nothing: mount an editor for `doc` inside `parent`; return {get, set, focus, destroy}. */
export function createEditor(parent, doc, { label = "Python code", onRun } = {}) {
  const runKey = onRun ? [{ key: "Mod-Enter", run: () => { onRun(); return true; } },
                          { key: "Shift-Enter", run: () => { onRun(); return true; } }] : [];
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), indentOnInput(),
        bracketMatching(), python(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
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
