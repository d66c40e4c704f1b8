package pos

// SampleProducts is the catalog a new till starts with in demo mode, so a cashier can
// practise with quick keys and barcodes before the owner enters the shop's own items.
func SampleProducts() []Product {
	return []Product{
		{SKU: "S001", Name: "矿泉水 550ml", Price: 200, Barcode: "6901285991219", Category: "饮料", QuickKey: "1"},
		{SKU: "S002", Name: "可乐 330ml", Price: 350, Barcode: "6954767423578", Category: "饮料", QuickKey: "2"},
		{SKU: "S003", Name: "绿茶 500ml", Price: 400, Barcode: "6921168509256", Category: "饮料", QuickKey: "3"},
		{SKU: "S004", Name: "方便面", Price: 550, Barcode: "6925303730574", Category: "食品", QuickKey: "4"},
		{SKU: "S005", Name: "面包", Price: 800, Barcode: "6920152400890", Category: "食品", QuickKey: "5"},
		{SKU: "S006", Name: "薯片", Price: 750, Barcode: "6924743915848", Category: "零食", QuickKey: "6"},
		{SKU: "S007", Name: "口香糖", Price: 1000, Barcode: "6923450657713", Category: "零食", QuickKey: "7"},
		{SKU: "S008", Name: "纸巾", Price: 300, Barcode: "6922266446627", Category: "日用", QuickKey: "8"},
	}
}
