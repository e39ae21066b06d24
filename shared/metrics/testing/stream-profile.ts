/** How a generated typing session behaves: its length, its text mode and the rates of every awkward case. */
export interface StreamProfile {
  characters: number;
  /**
   * 'text': positions in the practice text; 'zen': no text, textPos -1; 'overrun': typing past
   * a short text; 'words': the word-aligned client (skipped, extra, transposed letters, auto-repeat).
   */
  textMode: 'text' | 'zen' | 'overrun' | 'words';
  meanIntervalMs: number;
  meanDwellMs: number;
  errorRate: number;
  correctionRate: number;
  repeatRate: number;
  lostKeyupRate: number;
  orphanKeyupRate: number;
  reorderRate: number;
  extraKeyRate: number;
  /** Timer resolution in microseconds; browsers coarsen timestamps, which makes ties. */
  quantumUs: number;
  maxBatch: number;
}
