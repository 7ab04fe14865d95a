/** Minimal typings of the `sentiment` package (AFINN-165 word-list scorer), which ships none. */
declare module 'sentiment' {
  /** What `analyze()` returns; only the fields the sample app reads. */
  interface AnalysisResult {
    /** Sum of the AFINN scores of the words. */
    score: number;
    /** `score` divided by the number of tokens. */
    comparative: number;
  }
  /** AFINN sentiment analyser. */
  class Sentiment {
    analyze(phrase: string): AnalysisResult;
  }
  export = Sentiment;
}
