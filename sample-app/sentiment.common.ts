import { BadRequestException } from '@nestjs/common';

/** The `userConfig` of both sentiment backends. */
export interface SentimentConfig {
  /** A score above `threshold` is positive, below `-threshold` negative, else neutral. */
  threshold: number;
}

/** Label of a sentiment score. */
export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** What `POST /sentiment` answers. */
export interface SentimentResult {
  /** Normalised score, roughly in [-1, 1]. */
  score: number;
  label: SentimentLabel;
  /** Model version that served the request: `'v1'`, `'v2'`, `'nn'` (or the broken `'v3'` of the rollout demo). */
  version: 'v1' | 'v2' | 'v3' | 'nn';
}

/** Threshold both backends start with. */
export const DEFAULT_THRESHOLD = 0.1;

/** Reads `text` from a request body `{ "text": "..." }`; a 400 when it is missing or not a non-empty string. */
export function readText(body: unknown): string {
  const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new BadRequestException('Body must be JSON like {"text": "..."} with "text" a non-empty string');
  }
  return text;
}

/**
 * Checks a `userConfig` before a replica stores it. `reconfigure` is a public method of the
 * backend, so it must not trust its argument (e.g. a request sent with `X-Serve-Call-Method`).
 */
export function readThreshold(config: unknown): number {
  const threshold =
    typeof config === 'object' && config !== null ? (config as { threshold?: unknown }).threshold : undefined;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
    throw new BadRequestException('userConfig must be like {"threshold": 0.2} with "threshold" a number >= 0');
  }
  return threshold;
}

/** Labels `score` against `threshold`. */
export function labelOf(score: number, threshold: number): SentimentLabel {
  if (score > threshold) return 'positive';
  if (score < -threshold) return 'negative';
  return 'neutral';
}
