(function () {
  if (!window.Chart) { return; }
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var weeks = data.weeks.map(function (w) { return w.week_start; });
  var common = { maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } };
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new window.Chart(canvas, config); }
  }
  draw("mood-chart-weeks", { type: "line", options: Object.assign({}, common, { spanGaps: true,
      scales: { y: { min: 1, max: 5, ticks: { stepSize: 1 } } } }),
    data: { labels: weeks, datasets: [{ label: "Average mood (1–5)",
      data: data.weeks.map(function (w) { return w.mean_mood; }), borderColor: "#1f5fbf", tension: 0.2 }] } });
  draw("rate-chart", { type: "bar", options: Object.assign({}, common, {
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }),
    data: { labels: weeks, datasets: [{ label: "Check-ins answered (%)", backgroundColor: "#2e8b57",
      data: data.weeks.map(function (w) { return w.response_rate === null ? null : Math.round(w.response_rate * 100); }) }] } });
  draw("rsvp-chart", { type: "bar", options: Object.assign({}, common, { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }),
    data: { labels: data.meetings.map(function (m) { return m.title + " " + m.occurrence_start.slice(0, 10); }),
      datasets: [
        { label: "Yes", backgroundColor: "#2e8b57", data: data.meetings.map(function (m) { return m.yes; }) },
        { label: "Later", backgroundColor: "#d9a400", data: data.meetings.map(function (m) { return m.later; }) },
        { label: "No", backgroundColor: "#b33a3a", data: data.meetings.map(function (m) { return m.no; }) }] } });
  draw("ack-chart", { type: "bar", options: Object.assign({}, common, { indexAxis: "y", scales: { x: { beginAtZero: true, title: { display: true, text: "minutes" } } } }),
    data: { labels: ["Median", "95th percentile"], datasets: [{ label: "Minutes to acknowledge", backgroundColor: ["#1f5fbf", "#7a4fbf"],
      data: [data.ack.median_minutes, data.ack.p95_minutes] }] } });
})();
