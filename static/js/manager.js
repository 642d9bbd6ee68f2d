// The manager page's pipeline chart: open leads per consultant, stacked by stage (data from json_script).
document.addEventListener("DOMContentLoaded", function () {
  const holder = document.getElementById("pipeline-chart");
  const source = document.getElementById("pipeline-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: "category", data: data.consultants },
    yAxis: { type: "value", minInterval: 1 },
    series: data.stages.map(function (name, i) {
      return { name: name, type: "bar", stack: "stages", data: data.series[i] };
    }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
