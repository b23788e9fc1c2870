import { KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../common/api-client';
import { ErrorMessage } from '../common/alerts';
import { formatReference } from '../common/format';

export interface PickedCaseFile {
  id: string;
  reference: string;
  title: string;
  departmentCode: string;
  status: string;
}

interface CaseFilePage {
  items: PickedCaseFile[];
  total: number;
}

const PAGE = 10;
const DEBOUNCE_MS = 200;

/**
 * Choose an open case file by typing part of its Aktenzeichen or title words: an editable
 * combobox with a listbox popup (WAI-ARIA 1.2 combobox pattern, list autocomplete). The options
 * come from the service (GET /case-files?q=&status=open, the caller's departments) as the user
 * types; the number found is announced in a polite live region. Keys: ArrowDown/ArrowUp move
 * through the options (opening the list), Enter takes the active option, Escape closes the list
 * (and clears the text when it is already closed), Home/End stay in the text.
 */
export function CaseFilePicker({ value, onChange }: { value: PickedCaseFile | null; onChange: (c: PickedCaseFile | null) => void }) {
  const { t } = useTranslation('inbox');
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<PickedCaseFile[]>([]);
  const [total, setTotal] = useState(0);
  const [active, setActive] = useState(-1);
  const [state, setState] = useState<'idle' | 'searching' | 'done'>('idle');
  const [error, setError] = useState<unknown>(null);
  const request = useRef(0);

  useEffect(() => {
    const q = text.trim();
    if (!q || (value && text === optionText(value))) {
      setOptions([]);
      setTotal(0);
      setState('idle');
      return;
    }
    const seq = ++request.current;
    const controller = new AbortController();
    setState('searching');
    const timer = window.setTimeout(() => {
      api<CaseFilePage>('/api/v1/case-files', { query: { q, status: 'open', pageSize: PAGE }, signal: controller.signal })
        .then((page) => {
          if (seq !== request.current) return;
          setOptions(page.items);
          setTotal(page.total);
          setActive(-1);
          setState('done');
          setError(null);
        })
        .catch((e) => {
          if ((e as Error).name === 'AbortError' || seq !== request.current) return;
          setError(e);
          setState('idle');
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  function optionText(c: PickedCaseFile) {
    return t('pickerOption', { reference: c.reference, title: c.title });
  }

  function choose(c: PickedCaseFile) {
    onChange(c);
    setText(optionText(c));
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!options.length) return;
      setOpen(true);
      setActive((a) => (a + 1) % options.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (!options.length) return;
      setOpen(true);
      setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && options[active]) {
        e.preventDefault();
        choose(options[active]);
      } else if (open && options.length === 1) {
        e.preventDefault();
        choose(options[0]);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (text) {
        e.preventDefault();
        setText('');
        onChange(null);
      }
    }
  }

  const expanded = open && options.length > 0;
  const activeId = expanded && active >= 0 ? `${id}-opt-${active}` : undefined;
  let announcement = '';
  if (state === 'searching') announcement = t('pickerSearching');
  else if (state === 'done') announcement = total === 0 ? t('pickerNone') : total > options.length ? `${t('pickerResults', { count: total })}. ${t('pickerMore', { shown: options.length, count: total })}` : t('pickerResults', { count: total });

  return (
    <div className="inbox-picker">
      <div className="kern-form-input">
        <label className="kern-label" htmlFor={inputId}>
          {t('pickerLabel')}
        </label>
        <div className="kern-hint" id={hintId}>
          {t('pickerHint')}
        </div>
        <input
          id={inputId}
          className="kern-form-input__input"
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-describedby={hintId}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            if (value) onChange(null);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          onFocus={() => options.length && setOpen(true)}
        />
      </div>
      <ul id={listId} role="listbox" aria-label={t('pickerListLabel')} className="inbox-picker__list" hidden={!expanded}>
        {options.map((c, i) => (
          <li
            key={c.id}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={`inbox-picker__option${i === active ? ' inbox-picker__option--active' : ''}`}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(c)}
          >
            <span className="inbox-picker__reference">{formatReference(c.reference)}</span> <span>{c.title}</span>
          </li>
        ))}
      </ul>
      <p className="kern-body kern-body--small inbox-picker__status" role="status" aria-live="polite">
        {announcement}
      </p>
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}
