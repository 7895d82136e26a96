/**
 * A procedure's steps as a flow graph: one box per step (title, role, verification), an arrow from each step
 * it waits for. dagre lays it out; the SVG is drawn here, so it prints and scales. With a batch, each box
 * shows the step's status and links to the step screen.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { useMemo } from 'react';
import { Link } from 'react-router';
import type { StepDefinition, StepStatus } from '../api/types.ts';

const WIDTH = 260;
const HEIGHT = 64;

interface Placed {
  readonly nodes: { readonly step: StepDefinition; readonly x: number; readonly y: number }[];
  readonly edges: { readonly from: string; readonly to: string; readonly points: readonly { x: number; y: number }[] }[];
  readonly width: number;
  readonly height: number;
}

/** Lays the steps out top to bottom with dagre. */
export function placeSteps(steps: readonly StepDefinition[]): Placed {
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 44, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) g.setNode(s.id, { width: WIDTH, height: HEIGHT });
  const ids = new Set(steps.map((s) => s.id));
  for (const s of steps) for (const before of s.after) if (ids.has(before)) g.setEdge(before, s.id);
  layout(g);
  const graph = g.graph() as { width?: number; height?: number };
  return {
    nodes: steps.map((step) => {
      const n = g.node(step.id) as { x: number; y: number };
      return { step, x: n.x, y: n.y };
    }),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e) as { points: { x: number; y: number }[] }).points })),
    width: graph.width ?? WIDTH,
    height: graph.height ?? HEIGHT,
  };
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface FlowGraphProps {
  readonly steps: readonly StepDefinition[];
  readonly title: string;
  /** Step statuses of a batch, when drawing a batch's progress. */
  readonly statuses?: Readonly<Record<string, StepStatus>>;
  /** Link of each box, e.g. the step screen. */
  readonly linkOf?: (stepId: string) => string;
}

export function FlowGraph({ steps, title, statuses, linkOf }: FlowGraphProps) {
  const placed = useMemo(() => placeSteps(steps), [steps]);
  return (
    <figure className="flow" style={{ margin: 0 }}>
      <svg width={placed.width} height={placed.height} viewBox={`0 0 ${placed.width} ${placed.height}`} role="img" aria-label={title} data-testid="flow-graph">
        <title>{title}</title>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#7b879a" />
          </marker>
        </defs>
        {placed.edges.map((e) => (
          <path key={`${e.from}->${e.to}`} className="edge" markerEnd="url(#arrow)" d={e.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ')} />
        ))}
        {placed.nodes.map(({ step, x, y }) => {
          const status = statuses?.[step.id];
          const meta = [step.role, step.verify ? `verified by ${step.verify}` : '', step.sign ? `signed` : '', status ? status.replace('_', ' ') : ''].filter(Boolean).join(' · ');
          const box = (
            <g className={`node ${status ?? ''} ${step.verify ? 'verify' : ''}`} transform={`translate(${x - WIDTH / 2}, ${y - HEIGHT / 2})`} data-step={step.id}>
              <rect width={WIDTH} height={HEIGHT} rx={8} />
              <text x={10} y={24}>
                {truncate(step.title, 34)}
              </text>
              <text x={10} y={46} className="meta">
                {truncate(meta, 46)}
              </text>
            </g>
          );
          return linkOf !== undefined ? (
            <Link key={step.id} to={linkOf(step.id)} aria-label={`${step.title}${status ? `, ${status.replace('_', ' ')}` : ''}`}>
              {box}
            </Link>
          ) : (
            <g key={step.id}>{box}</g>
          );
        })}
      </svg>
      <figcaption className="small muted" style={{ padding: '6px 10px' }}>
        {steps.length} steps; an arrow points from a step to the steps that wait for it. Blue boxes need second-person verification.
      </figcaption>
    </figure>
  );
}
