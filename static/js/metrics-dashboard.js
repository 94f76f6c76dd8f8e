// The dashboard's trend charts: Chart.js (static/vendor/chartjs/) draws, in each
// <canvas data-trend="metric">, the numbers the page put in <script id="trend-data"> with
// json_script. Kept in a file: the Content-Security-Policy allows no inline script. The same
// numbers are in a table beside each chart, which screen readers read instead.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("trend-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const page = getComputedStyle(document.body);
  const colour = page.getPropertyValue("--bs-primary").trim() || "#0d6efd";
  const text = page.getPropertyValue("--bs-body-color").trim() || "#212529";
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.querySelectorAll("canvas[data-trend]").forEach((canvas) => {
    const series = data.series[canvas.dataset.trend];
    if (!series) return;
    const options = {
      responsive: true,
      aspectRatio: 2,
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { color: text } },
        y: {
          beginAtZero: true,
          max: series.ceiling ?? undefined, // a share's axis always runs to 100%
          ticks: series.whole ? { color: text, precision: 0 } : { color: text },
          title: { display: Boolean(series.axis), text: series.axis, color: text },
        },
      },
    };
    if (still) options.animation = false;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.quarters,
        datasets: [
          {
            label: series.label,
            data: series.values, // null where a quarter has no figure: a gap, not a zero
            borderColor: colour,
            backgroundColor: colour,
            pointRadius: 3,
          },
        ],
      },
      options,
    });
  });
});
