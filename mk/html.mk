# make html-check: the seed's html page opened in headless Chromium, as a
# reader opens it: a screenshot that is not blank, the page text holding
# the top cause, no script error.  Chromium is a big package, installed by
# its own set (scripts/deps.sh browser) for this target only.
# make seed-report.png: the same, writing samples/seed-report.png.
.PHONY: html-check seed-report.png
html-check:
	$(Q)sh scripts/deps.sh check browser
	$(Q)$(MAKE) --no-print-directory $(O)/analyze
	$(Q)BUILD=$(O) sh tests/html_browser.sh

seed-report.png:
	$(Q)sh scripts/deps.sh check browser
	$(Q)$(MAKE) --no-print-directory $(O)/analyze
	$(Q)BUILD=$(O) sh tests/html_browser.sh samples/seed-report.png
