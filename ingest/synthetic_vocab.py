"""What the synthetic world of :mod:`ingest.synthetic` is made of: first and last names,
organisation names, cities, titles, interaction types with their frequencies, notes and
products. Changing any of these changes every generated file."""

from __future__ import annotations


FIRST = (
    "Aisha", "Daniel", "Zoë", "Liam", "Kenji", "Priya", "Mateo", "Sofía", "Olusegun", "Ngozi",
    "Wei", "Mei", "Yuki", "Hiroshi", "Aarav", "Ananya", "Fatima", "Omar", "Layla", "Yusuf",
    "José", "Lucía", "Søren", "Ingrid", "Björn", "Astrid", "Łukasz", "Zofia", "Siobhán", "Aoife",
    "Seán", "Chloé", "Noémie", "Jürgen", "Anja", "Dmitri", "Olga", "Aylin", "Emre", "Kofi",
    "Ama", "Thandiwe", "Sipho", "Leilani", "Kai", "Thảo", "Minh", "Grace", "Ethan", "Olivia",
    "Noah", "Emma", "Lucas", "Isabella", "Hannah", "Samuel", "Rebecca", "Carlos", "Ana", "Diego",
    "Valentina", "Rafael", "Camila", "Tomás", "Nadia", "Karim", "Elena", "Marco", "Giulia", "Pierre",
    "Amélie", "Hamid", "Parisa", "Arjun", "Kavya", "Ji-woo", "Min-jun", "Tariq", "Rania", "Matteo",
)
LAST = (
    "Khan", "Reyes", "Müller", "O'Brien", "Watanabe", "Natarajan", "Fernández", "García", "Adeyemi",
    "Okafor", "Chen", "Liu", "Mori", "Tanaka", "Sharma", "Patel", "El Amrani", "Haddad", "Farouk",
    "Yılmaz", "Martínez", "Sørensen", "Lindqvist", "Andersson", "Kowalski", "Nowak", "Kelly",
    "O'Connor", "D'Souza", "Dubois", "Lefèvre", "Schmidt", "Becker", "Ivanova", "Petrović",
    "Šimić", "Mensah", "Boateng", "Dlamini", "Nkosi", "Kahananui", "Nguyễn", "Trần", "Smith",
    "Johnson", "Brooks", "Silva", "Costa", "Rossi", "Bianchi", "Novak", "Stein", "Mendes",
    "Alvarez", "Herrera", "Achebe", "Nwosu", "Hughes", "Murphy", "Solberg", "Girard", "Huber",
    "Clarke", "Mehta", "Kim", "Park", "Lee", "Hosseini", "Rahimi", "Al-Sayed", "Cohen", "Levi",
    "MacLeod", "Van der Berg", "De Luca", "Jensen", "Virtanen", "Horvat", "Popescu", "Papadopoulos",
)
ORG_A = (
    "North", "South", "Blue", "Red", "Silver", "Golden", "Harbor", "River", "Summit", "Cedar",
    "Iron", "Bright", "Clear", "Crescent", "Delta", "Evergreen", "Falcon", "Granite", "Helix",
    "Kestrel", "Lumen", "Meridian", "Nova", "Orion", "Pioneer", "Quarry", "Sterling", "Tidal",
    "Vertex", "Willow", "Zenith", "Astra", "Bluefin", "Coral", "Horizon", "Maple", "Polar",
)
ORG_B = (
    "Systems", "Logistics", "Foods", "Bank", "Health", "Energy", "Telecom", "Retail", "Motors",
    "Pharma", "Insurance", "Capital", "Mining", "Media", "Airlines", "Steel", "Chemicals",
    "Networks", "Labs", "Foundry", "Partners", "Holdings", "Works", "Dynamics", "Analytics",
)
ORG_LEGAL = ("", "", "", " Ltd", " Inc", " GmbH", " AG", " Group", " SA", " plc", " & Co")
CITIES = (
    "Riverside", "Lakeside", "Hillcrest", "Bayview", "Oakridge", "Westbrook", "Eastfield",
    "Northgate", "Southport", "Kingsbridge", "Fairhaven", "Brookhaven", "Elmwood", "Stonebridge",
)
OTHER_KINDS = (  # name pattern, industry, friendship kind among members and with others
    ("{} Tennis Club", "Sports & Leisure", "club"),
    ("{} Golf Club", "Sports & Leisure", "club"),
    ("{} Go Association", "Sports & Leisure", "club"),
    ("{} University Alumni Network", "Education", "alumni"),
    ("{} Business School Alumni", "Education", "alumni"),
    ("{} Rotary Club", "Community", "club"),
    ("{} Chamber of Commerce", "Community", "other"),
)
INDUSTRIES = (
    "Telecommunications", "Logistics", "Food & Beverage", "Financial Services", "Healthcare",
    "Mining", "Energy", "Retail", "Manufacturing", "Automotive", "Pharmaceuticals", "Insurance",
    "Media", "Public Sector", "Software", "IT Services", "Construction", "Transport",
)

TITLES = {
    "decision_maker": ("CEO", "CTO", "CFO", "COO", "CIO", "Chief Digital Officer", "VP Engineering",
                       "VP Operations", "Managing Director", "Head of Procurement"),
    "influencer": ("Director of IT", "Head of Operations", "Procurement Manager", "Principal Architect",
                   "Head of Data", "IT Director", "Head of Supply Chain", "Security Architect",
                   "Engineering Manager", "Finance Director"),
    "user": ("Engineer", "Analyst", "Data Scientist", "Operations Specialist", "Platform Engineer",
             "Network Engineer", "Project Manager", "Business Analyst", "Administrator", "Developer"),
    "other": ("Assistant", "Consultant", "Coordinator", "Office Manager", "Intern", "Advisor"),
}
MEMBER_TITLES = ("Member", "Member", "Member", "Coordinator", "Treasurer", "Chair", "Coach")
REP_TITLES = ("Account Executive", "Account Executive", "Senior Account Executive", "Key Account Manager")
MANAGER_TITLES = ("Sales Manager", "Regional Sales Director", "Head of Sales")

BUSINESS = (("meeting", 25), ("call", 20), ("email", 20), ("demo", 7), ("visit", 6), ("proposal", 6),
             ("negotiation", 4), ("support", 5), ("training", 3), ("conference", 2), ("contract", 2))
PERSONAL = (("lunch", 25), ("dinner", 20), ("personal_call", 8), ("tennis", 10), ("golf", 10),
             ("sport", 5), ("festival", 5), ("party", 5), ("gift", 5), ("go", 4), ("game", 3))
CUSTOM = (("workshop", "business"), ("webinar", "business"), ("hackathon", "business"),
           ("sailing", "personal"), ("hiking", "personal"), ("concert", "personal"))
NOTES = (
    "Follow-up agreed", "Asked for references", "Discussed pricing, wants a discount",
    'Mentioned the "phase 2" budget', "Introduced a new stakeholder", "Good rapport",
    "Raised a support issue", "Shared the roadmap", "Competitor is also in talks",
    "Wants a pilot, then a framework agreement", "Celebrated a go-live", "Talked about family, kids, holidays",
)
PRODUCTS = ("Data Platform", "Network Analytics Suite", "Fleet Telemetry", "Risk Engine", "Support Plan",
             "Clinical Data Platform", "Cold Chain Monitoring", "Edge Probes", "Training Package")
