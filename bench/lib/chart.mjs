// A small SVG bar chart of one bench run: CPU per call (lower is better) and req/s (higher is
// better) by client, steady state, with the spread of the runs as a thin line. No dependency.

const esc = (s) =>
  String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * rows: [{ name, highlight, cpu: { median, min, max }, rps: { median, min, max } }]
 * meta: one line under the title (machine, date, command).
 */
export function barChartSvg(rows, { title, meta }) {
  const rowH = 22;
  const labelW = 230;
  const panelW = 300;
  const gap = 40;
  const top = 64;
  const width = labelW + 2 * panelW + gap + 70;
  const height = top + rows.length * rowH + 40;
  const panels = [
    { key: 'cpu', title: 'CPU µs per call (lower is better)', x: labelW, unit: '' },
    { key: 'rps', title: 'requests per second (higher is better)', x: labelW + panelW + gap + 30 },
  ];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="15" font-weight="600" fill="#111">${esc(title)}</text>`,
    `<text x="12" y="38" fill="#555">${esc(meta)}</text>`,
  ];
  for (const p of panels) {
    const max = Math.max(...rows.map((r) => r[p.key].max ?? r[p.key].median)) * 1.05;
    const scale = (v) => (v / max) * (panelW - 50);
    out.push(
      `<text x="${p.x}" y="${top - 8}" font-weight="600" fill="#333">${esc(p.title)}</text>`,
    );
    rows.forEach((r, i) => {
      const y = top + i * rowH;
      const v = r[p.key];
      const w = Math.max(1, scale(v.median));
      const fill = r.highlight ? '#d9480f' : '#4c6ef5';
      out.push(
        `<rect x="${p.x}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${fill}" rx="2"/>`,
      );
      if (Number.isFinite(v.min) && Number.isFinite(v.max) && v.max > v.min) {
        const y0 = y + rowH / 2 - 1;
        out.push(
          `<line x1="${(p.x + scale(v.min)).toFixed(1)}" x2="${(p.x + scale(v.max)).toFixed(1)}" y1="${y0}" y2="${y0}" stroke="#111" stroke-width="1.5"/>`,
        );
      }
      // The label goes after the bar and after the spread line, so neither runs through it.
      const end = Number.isFinite(v.max) ? Math.max(w, scale(v.max)) : w;
      out.push(
        `<text x="${(p.x + end + 6).toFixed(1)}" y="${y + rowH / 2 + 4}" fill="#111">${Math.round(v.median)}</text>`,
      );
    });
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2 + 4;
    const weight = r.highlight ? ' font-weight="700"' : '';
    out.push(
      `<text x="${labelW - 10}" y="${y}" text-anchor="end" fill="#111"${weight}>${esc(r.name)}</text>`,
    );
  });
  out.push(
    `<text x="12" y="${height - 12}" fill="#777">Bars: median of the runs; black line: lowest to highest run.</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
