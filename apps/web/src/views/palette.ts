// Ten distinguishable colours (Tableau 10), for labels, latent dimensions and neurons.
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
