##
## Reports (docs/reports.md; the audit writes them next to results.json itself)
##   make report RESULTS=…/results.json [FEP_LANG=en] [REPORT_OUT=dir]
##                                 regenerate report.html, junit.xml, rollup.xlsx and survey/<hospital>.xlsx
##                                 from a results.json without re-auditing
##   make report RESULTS="a/results.json b/results.json" REPORT_OUT=dir
##                                 merge several runs (one per province or city) into one set of reports
REPORT_OUT ?=

.PHONY: report
ifneq ($(filter report,$(MAKECMDGOALS)),)
ifeq ($(strip $(RESULTS)),)
$(error usage: make report RESULTS=reports/<timestamp>/results.json [FEP_LANG=en] [REPORT_OUT=dir])
endif
ifneq ($(word 2,$(RESULTS)),)
ifeq ($(strip $(REPORT_OUT)),)
$(error make report: several RESULTS are merged into a new folder: add REPORT_OUT=dir (e.g. REPORT_OUT=reports/merged))
endif
endif
endif

report: setup
	$(BIN)/python tools/fep_report.py $(foreach file,$(RESULTS),"$(file)") --lang $(FEP_LANG)$(if $(REPORT_OUT), --out "$(REPORT_OUT)")

# tests/e2e/test_html_browser.py renders the HTML report in headless Chromium;
# fonts-noto-cjk so that Chinese text renders instead of boxes.
APT_PACKAGES += chromium fonts-noto-cjk
# tests/e2e/test_xlsx_libreoffice.py: headless LibreOffice Calc (-nogui: the smallest soffice) and poppler's pdftotext.
APT_PACKAGES += libreoffice-calc-nogui poppler-utils
