/* html_assets.c - the page's style sheet and its hover script, kept apart
 * from the code that writes the page (render_html.c). */
#include "html_assets.h"

const char html_css[] =
	":root{--fg:#1d1d1f;--bg:#fff;--dim:#666;--grid:#e3e3e3;--frame:#999;--wh:rgba(44,160,44,.13);"
	"--wf:rgba(214,39,40,.12);--pre:#f5f5f5;--line:#ccc}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e4e4e4;--bg:#17181a;--dim:#a0a0a0;--grid:#33363a;"
	"--frame:#6c6f73;--wh:rgba(80,200,80,.16);--wf:rgba(240,80,80,.18);--pre:#222428;--line:#444}}\n"
	"body{font:15px/1.45 system-ui,sans-serif;max-width:1200px;margin:0 auto;padding:0 14px;color:var(--fg);background:var(--bg)}\n"
	"h1{font-size:1.35em;margin:.5em 0 .2em}h2{font-size:1.15em;margin:1.2em 0 .3em}h3{font-size:1em;margin:.8em 0 .2em}"
	"h4{font-size:.95em;margin:.4em 0 .2em}\n"
	".short{font-size:1.05em;border-left:4px solid #d62728;padding:.3em .8em;margin:.4em 0;background:var(--pre)}\n"
	".dim,.u,.cap{color:var(--dim)}.u{font-weight:normal;font-size:.9em}.cap{font-size:.85em}\n"
	".wh{background:var(--wh)}.wf,.wl{background:var(--wf)}span.wh,span.wf,span.wl{padding:0 3px;border-radius:3px}\n"
	"figure{margin:.5em 0}figcaption{font-size:.85em}.ct{font-weight:600}.tm{font-variant-numeric:tabular-nums;color:var(--dim)}\n"
	".k{margin-right:1em;white-space:nowrap}.k i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:4px}"
	".k i.d{height:0;border-top:2px dashed #888;background:none!important}.k i.wh,.k i.wf{height:10px}\n"
	".k b{font-weight:normal;color:var(--dim);font-variant-numeric:tabular-nums}\n"
	"svg{width:100%;height:auto;display:block;overflow:visible}svg text{font-size:11px;fill:var(--fg)}svg text.dim{fill:var(--dim)}svg.smv text{font-size:30px}\n"
	"svg.ch{aspect-ratio:auto}\n"
	".g{stroke:var(--grid);stroke-width:1}.fr{fill:none;stroke:var(--frame)}rect.wh{fill:var(--wh)}rect.wf{fill:var(--wf)}\n"
	".s{stroke-width:1.6;vector-effect:non-scaling-stroke}.hl{stroke:var(--fg);stroke-width:1;opacity:.5}\n"
	".m{stroke-width:1.2;stroke-dasharray:3 3;vector-effect:non-scaling-stroke}\n"
	".mc{stroke:#9467bd;background:#9467bd}.mo{stroke:#d62728;background:#d62728}.ms{stroke:#1f77b4;background:#1f77b4}"
	".mh{stroke:#ff7f0e;background:#ff7f0e}.mg{stroke:#7f7f7f;background:#7f7f7f}.mn{stroke:#bcbd22;background:#bcbd22}\n"
	"text.tmc{fill:#9467bd}text.tmo{fill:#d62728}text.tms{fill:#1f77b4}text.tmh{fill:#ff7f0e}text.tmg{fill:#7f7f7f}text.tmn{fill:#a6a71e}\n"
	".multi{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:4px 16px}.sm figcaption{font-size:.8em}\n"
	".pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}@media (max-width:800px){.pair{grid-template-columns:1fr}}\n"
	"table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid var(--line);padding:2px 6px;font-size:13px;text-align:left}"
	".bt td{white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"pre{background:var(--pre);padding:6px;font-size:12px;white-space:pre-wrap;margin:.2em 0}summary{font-size:13px;cursor:pointer}\n"
	"@media print{body{max-width:none;font-size:11pt}h2,h3,h4,figcaption{break-after:avoid}"
	"figure,.pair,table,.short{break-inside:avoid}details{display:block}.hl{display:none}}\n";

/* Hover: the values of every series at the pointer, in the legend.  Reads
 * the drawn points back (x) and their values (data-v); nothing else. */
const char html_js[] =
	"(function(){var B=document.body,OFF=+B.dataset.off,Z=B.dataset.zone;"
	"function f(w){var d=new Date((w+OFF)*1000);return d.toISOString().substr(11,8)}\n"
	"document.querySelectorAll('svg.ch').forEach(function(s){\n"
	"var fig=s.parentNode,L=+s.dataset.l,PW=+s.dataset.pw,T=+s.dataset.t,W0=+s.dataset.w0,hl=s.querySelector('.hl'),\n"
	"bs=fig.querySelectorAll('.k b'),tm=fig.querySelector('.tm'),ser=[];\n"
	"s.querySelectorAll('polyline[data-v]').forEach(function(p){var xs=p.getAttribute('points').trim().split(/\\s+/)"
	".map(function(q){return +q.split(',')[0]});ser.push({x:xs,v:p.dataset.v.split(' ')})});\n"
	"s.addEventListener('mousemove',function(e){var r=s.getBoundingClientRect(),x=(e.clientX-r.left)/r.width*s.viewBox.baseVal.width;\n"
	"if(x<L||x>L+PW){hl.setAttribute('visibility','hidden');return}hl.setAttribute('x1',x);hl.setAttribute('x2',x);"
	"hl.setAttribute('visibility','visible');var t=(x-L)/PW*T;tm.textContent=f(W0+t)+' '+Z+', +'+Math.round(t)+' s';\n"
	"ser.forEach(function(q,i){var lo=0,hi=q.x.length-1;if(hi<0||!bs[i])return;while(lo<hi){var m=(lo+hi)>>1;if(q.x[m]<x)lo=m+1;else hi=m}\n"
	"if(lo>0&&x-q.x[lo-1]<q.x[lo]-x)lo--;bs[i].textContent=q.v[lo]})});\n"
	"s.addEventListener('mouseleave',function(){hl.setAttribute('visibility','hidden');tm.textContent='';"
	"bs.forEach(function(b){b.textContent=b.dataset.d})})});\n"
	"document.documentElement.setAttribute('data-hover','ready')})();\n";
