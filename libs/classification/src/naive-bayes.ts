/**
 * Multinomial naive Bayes over normalised German tokens, as a plain serialisable value (it is
 * persisted as jsonb). Training adds token counts per label; prediction returns the posterior of
 * the best label and the tokens that spoke most for it (the "reasons").
 */
export interface NaiveBayesModel {
  labels: Record<string, { docs: number; tokens: number; counts: Record<string, number> }>;
  vocabulary: number;
  documents: number;
}

export interface Prediction {
  label: string;
  /** Posterior probability of the label, 0–1. */
  confidence: number;
  /** Tokens in the text that favour the label most. */
  evidence: string[];
}

export function emptyModel(): NaiveBayesModel {
  return { labels: {}, vocabulary: 0, documents: 0 };
}

export function train(model: NaiveBayesModel, label: string, tokens: string[], weight = 1): void {
  const entry = (model.labels[label] ??= { docs: 0, tokens: 0, counts: {} });
  entry.docs += weight;
  model.documents += weight;
  for (const t of tokens) {
    entry.counts[t] = (entry.counts[t] ?? 0) + weight;
    entry.tokens += weight;
  }
}

export function finish(model: NaiveBayesModel): NaiveBayesModel {
  const vocab = new Set<string>();
  for (const l of Object.values(model.labels)) for (const t of Object.keys(l.counts)) vocab.add(t);
  model.vocabulary = vocab.size;
  return model;
}

export function predict(model: NaiveBayesModel, tokens: string[]): Prediction | null {
  const labels = Object.keys(model.labels);
  if (!labels.length) return null;
  const known = tokens.filter((t) => labels.some((l) => model.labels[l].counts[t]));
  const v = Math.max(1, model.vocabulary);
  const scores = labels.map((label) => {
    const l = model.labels[label];
    let score = Math.log(l.docs / model.documents);
    for (const t of known) score += Math.log(((l.counts[t] ?? 0) + 1) / (l.tokens + v));
    return { label, score };
  });
  const max = Math.max(...scores.map((s) => s.score));
  const sum = scores.reduce((acc, s) => acc + Math.exp(s.score - max), 0);
  const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
  const winner = model.labels[best.label];
  // evidence: tokens whose likelihood under the winner exceeds the average of the others most
  const lift = new Map<string, number>();
  for (const t of new Set(known)) {
    const pw = ((winner.counts[t] ?? 0) + 1) / (winner.tokens + v);
    const others = labels.filter((l) => l !== best.label);
    const po = others.length ? others.reduce((acc, l) => acc + ((model.labels[l].counts[t] ?? 0) + 1) / (model.labels[l].tokens + v), 0) / others.length : 1e-9;
    const r = Math.log(pw / po);
    if (r > 0.5 && (winner.counts[t] ?? 0) > 0) lift.set(t, r);
  }
  const evidence = [...lift.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([t]) => t);
  return { label: best.label, confidence: known.length ? 1 / sum : 1 / labels.length, evidence };
}
