#!/usr/bin/python3
"""scikit-learn's baseline on exactly the split Secura used (make eval).

Usage: sklearn_baseline.py DATA.csv TEXT_FIELD LABEL_FIELD SPLIT.json
Reads the split secura wrote with --write-split (CSV row numbers from 1)
and prints "accuracy macro_f1" of LinearSVC(C=1) over TF-IDF word
1-2-grams (min_df=2, sublinear tf), the procedure of
../shared/datasets/README.md. Needs Debian's python3-sklearn."""
import csv
import json
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

data, text, label, split = sys.argv[1:5]
rows = {str(i): r for i, r in enumerate(csv.DictReader(open(data, newline="")), 1)}
parts = json.load(open(split))
train = [rows[i] for i in parts["train"]]
test = [rows[i] for i in parts["test"]]
vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
x = vec.fit_transform([r[text] for r in train])
clf = LinearSVC(C=1).fit(x, [r[label] for r in train])
pred = clf.predict(vec.transform([r[text] for r in test]))
truth = [r[label] for r in test]
print(f"{accuracy_score(truth, pred):.3f} {f1_score(truth, pred, average='macro'):.3f}")
