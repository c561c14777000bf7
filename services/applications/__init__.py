"""applications (申请与资格审核): applicants, households, applications, eligibility, points."""
