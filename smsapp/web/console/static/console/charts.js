// Draws the mood chart on a case page from the canvas's data-scores (Chart.js, vendored).
(function () {
  var canvas = document.getElementById("mood-chart");
  if (!canvas || !window.Chart) { return; }
  var scores = JSON.parse(canvas.dataset.scores || "[]").filter(function (s) { return !s.missed; });
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: scores.map(function (s) { return s.at; }),
      datasets: [{ label: "Mood (1–5)", data: scores.map(function (s) { return s.score; }),
                   borderColor: "#1f5fbf", tension: 0 }]
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 1, max: 5, ticks: { stepSize: 1 } } },
      plugins: { legend: { display: false } }
    }
  });
})();
